"""Integrations: API keys, the scopes they act within, and idempotent retries."""
