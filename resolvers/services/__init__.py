"""The desk's services as typed requests (issue 19)."""
