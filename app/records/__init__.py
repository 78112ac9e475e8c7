"""Records feature."""
