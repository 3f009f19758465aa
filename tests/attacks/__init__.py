"""The attack corpus on user-written Cypher (see tests/test_attacks.py and docs/security.md)."""
