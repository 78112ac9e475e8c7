"""Search feature."""
