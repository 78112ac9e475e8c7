"""Audit events and owner notifications, written in the caller's transaction. Their own package
below every feature, because accounts, measures, reviews, search and the rest all write them."""
