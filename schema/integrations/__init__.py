"""Dealer and carrier systems: API keys, the scope gate, the organization feed."""
