"""Notifications: in-app (the bell), email and the daily digest, by each person's preferences."""
