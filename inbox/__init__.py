"""Waiting for me: everything that needs a person's action, across every app, in one place."""
