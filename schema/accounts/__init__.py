"""Accounts in the schema: organizations, users, sign-in and onboarding."""
