"""Shipments: bookings, containers, tracking, destination changes and late pickups."""
