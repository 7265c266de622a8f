"""Cancellation requests and the disputes they open: agreements, decisions, fraud, refunds."""
