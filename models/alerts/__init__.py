"""Alerts for platform staff."""
