"""Shipments in the schema: shipments, containers, tracking, amendments and their streams."""
