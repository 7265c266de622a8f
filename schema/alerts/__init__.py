"""Staff alerts in the schema, and their stream."""
