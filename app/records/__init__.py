"""The record format (fields, vocabularies, validation), below every feature that uses it; reading
and writing records to measures (mapping, import/export, generate) is in app/measures/."""
