"""Documents of a shipment: their tables and the pure rules of kinds, statuses and viewers."""
