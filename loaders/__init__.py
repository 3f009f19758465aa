"""icpmap.loaders"""
