"""Dealer and carrier systems: the organization feed, its event data, retention."""
