"""Api feature."""
