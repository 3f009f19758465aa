"""icpmap.api"""
