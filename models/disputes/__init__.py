"""Disputes over cancellations, and the cancellation penalty."""
