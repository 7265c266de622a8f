"""Calculations in the schema: quotes, estimates, rate tables and their edits."""
