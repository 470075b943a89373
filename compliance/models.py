"""Frameworks, checks, evidence and exports: the tables arrive with their issue."""
