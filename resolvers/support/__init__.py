"""The support desk: groups, each dealer's desk, threads, messages and service levels."""
