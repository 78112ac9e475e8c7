"""The core every feature builds on: extensions, database types, errors and problem+json,
security headers and deny-by-default, mail. It imports no feature (README "How the code is
laid out")."""
