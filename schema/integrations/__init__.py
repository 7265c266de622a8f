"""Integrations: API keys and the scope gate every operation of a key passes."""
