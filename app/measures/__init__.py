"""Measures feature."""
