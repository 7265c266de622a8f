"""The support desk in the schema: groups, desks, threads, messages and their stream."""
