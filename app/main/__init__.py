"""Main feature."""
