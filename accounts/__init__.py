"""Users, organisations and the region tree — and the one helper that limits every query to a user's area."""
