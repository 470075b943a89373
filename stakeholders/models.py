"""Stakeholders, workshops and feedback rounds: the tables arrive with their issue."""
