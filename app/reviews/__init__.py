"""Peer reviews: practitioners' and officials' ratings of published measures (DESIGN §3)."""
