"""Checks on user-written Cypher before it reaches an engine.

The engines' read-only transactions refuse writes, but not everything harmful is a
write: on LadybugDB `COMMIT; MATCH (n) DETACH DELETE n` ends the read-only
transaction and runs the delete in auto-commit, and both engines can read or write
files (`LOAD FROM`, `COPY ... TO`, `LOAD CSV`). So a user query must be one
statement with no transaction control, file access or schema change. This is a
lexical check (strings, comments and quoted names are skipped); the read-only
transaction stays the main defence.
"""

from __future__ import annotations

import re

from .store import ReadOnlyViolation, StoreError

_TOKEN = re.compile(
    r"""
    (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<quoted>`[^`]*`)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<semicolon>;)
  | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)

WRITE_WORDS = {"CREATE", "MERGE", "SET", "DELETE", "REMOVE", "DROP", "ALTER", "FOREACH", "DETACH"}
FORBIDDEN_WORDS = {
    "BEGIN", "COMMIT", "ROLLBACK", "CHECKPOINT", "COPY", "LOAD", "EXPORT", "IMPORT",
    "ATTACH", "INSTALL", "UNINSTALL", "USE", "GRANT", "REVOKE", "DENY", "TERMINATE",
}
# Procedures a reader may call: schema introspection on either engine.
ALLOWED_CALLS = re.compile(r"^(show_\w+|table_info|db\.(labels|relationshipTypes|propertyKeys|schema\.\w+))$", re.I)


def _tokens(cypher: str) -> list[tuple[str, str]]:
    return [(m.lastgroup or "", m.group()) for m in _TOKEN.finditer(cypher) if m.lastgroup != "comment"]


def check_read_only(cypher: str) -> None:
    """Raise if `cypher` is not a single read-only statement."""
    tokens = _tokens(cypher)
    if not any(kind != "semicolon" for kind, _ in tokens):
        raise StoreError("The query is empty.")
    seen_semicolon = False
    for i, (kind, text) in enumerate(tokens):
        if kind == "semicolon":
            seen_semicolon = True
            continue
        if seen_semicolon:
            raise StoreError("Run one statement at a time: the query holds more than one.")
        if kind != "word":
            continue
        before = tokens[i - 1][1] if i else ""
        after = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        if before in {".", ":", "$"} or after == ":":  # a property, label, parameter or map key
            continue
        word = text.upper()
        if word in WRITE_WORDS:
            raise ReadOnlyViolation(f"This query writes ({word}); only read-only queries are allowed here.")
        if word in FORBIDDEN_WORDS:
            raise ReadOnlyViolation(f"{word} is not allowed in a read-only query.")
        if word == "CALL":
            name = "".join(t for _, t in tokens[i + 1 : i + 6]).split("(")[0]
            if not ALLOWED_CALLS.match(name):
                raise ReadOnlyViolation("Only schema procedures (e.g. CALL show_tables()) may be called here.")
