"""Shipments, vehicles, tracking events and containers, and their transition tables."""
