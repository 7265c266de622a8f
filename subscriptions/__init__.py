"""The event bus: channels, notices, replay + live merge and fan-out to subscribers."""
