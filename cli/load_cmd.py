"""`icpmap load` (being written)."""
