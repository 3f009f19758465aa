"""icpmap.visualise"""
