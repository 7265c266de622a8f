"""Insurance claims: who sees them, opening one, moving it on, and paying it once."""
