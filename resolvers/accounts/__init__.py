"""Accounts: sign-in, tokens, and ADMIN onboarding."""
