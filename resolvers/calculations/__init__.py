"""Calculations: quotes and estimates from the rate tables, and their edits."""
