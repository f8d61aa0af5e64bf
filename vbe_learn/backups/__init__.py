"""Backups of the database: `flask backup create|restore`."""
