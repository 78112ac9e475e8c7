"""The search outbox, below every feature that changes a measure: they queue index changes here
without importing search, which sits above them (it reads measures and reviews to index them)."""
