"""Use cases per domain: check access, validate, write in one transaction, record the events."""
