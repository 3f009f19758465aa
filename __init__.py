"""icpmap: map NHS integrated care partnerships as a graph."""

__version__ = "0.1.0"
