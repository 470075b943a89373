"""Reminders: what falls due, computed from the database, sent once each, and escalated."""
