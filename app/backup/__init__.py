"""Backups: `flask backup create|restore` — the database and the uploaded reports in one archive."""
