"""Accounts: organizations, their users and their bearer tokens."""
