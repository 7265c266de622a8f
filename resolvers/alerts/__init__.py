"""Staff alerts, raised by every domain."""
