"""Mutation testing of icpmap's core (`make mutation`); see docs/mutation.md."""
