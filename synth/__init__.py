"""Deterministic synthetic data in the input format, at Place, region or England scale."""
