"""Dealer and carrier systems: the organization feed."""
