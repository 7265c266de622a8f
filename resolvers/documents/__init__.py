"""Documents: who sees which, requests and uploads, status changes and their events."""
