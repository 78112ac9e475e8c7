"""Atom feeds: newly published measures, filterable like the search."""
