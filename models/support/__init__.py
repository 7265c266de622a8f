"""The support desk: groups, desks, threads, messages, ratings and service-level timers."""
