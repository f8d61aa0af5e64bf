"""Learning services: progress, attempts, scoring and completion. No Flask request here."""
