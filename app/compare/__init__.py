"""Compare measures side by side, keep shortlists, and export them (DESIGN §7)."""
