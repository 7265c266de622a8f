"""Disputes in the schema: cancellation requests, disputes and their stream."""
