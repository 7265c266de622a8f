"""Insurance claims: their tables, the ledger of payments and the pure lifecycle rules."""
