"""Dealer and carrier systems: API keys and their scopes, idempotent retries, the organization
feed, its event data, retention."""
