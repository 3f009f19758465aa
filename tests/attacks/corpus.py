"""Bypass attempts on the read-only promise: real payloads, wrapped in every trick that made a
second lexer disagree with the engine (comments, quotes, escapes, line ends, separators,
Unicode look-alikes, transaction control). `cases()` gives them all; `FRAGMENTS` feeds the
grammar-based fuzzer (tests/test_attack_fuzz.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Targets:
    canary: str  # a file whose content must never appear in any output, nor change
    write_to: str  # a file that must never be created (in the canary's folder)
    folder: str  # the canary's folder: nothing may appear in it


def payloads(t: Targets) -> dict[str, str]:
    """What an attacker wants run: writes, DDL, settings, files, extensions, transactions."""
    return {
        "delete people": "MATCH (n:Person) DETACH DELETE n",
        "delete all": "MATCH (n) DETACH DELETE n",
        "create": "CREATE (:Organisation {code: 'EVIL', name: 'pwned'})",
        "merge": "MERGE (o:Organisation {code: 'EVIL'}) SET o.name = 'pwned'",
        "set": "MATCH (o:Organisation) SET o.name = 'pwned'",
        "remove": "MATCH (o:Organisation) REMOVE o.name",
        "drop table": "DROP TABLE Person",
        "alter table": "ALTER TABLE Person ADD evil STRING",
        "create table": "CREATE NODE TABLE Evil(a INT64, PRIMARY KEY(a))",
        "create macro": "CREATE MACRO evil(x) AS x + 1",
        "create sequence": "CREATE SEQUENCE evil",
        "setting": "CALL threads=1",
        "setting timeout": "CALL timeout=1",
        "read setting": "CALL current_setting('threads') RETURN *",
        "load from": f"LOAD FROM '{t.canary}' (header=false) RETURN *",
        "load from header": f"LOAD FROM '{t.canary}' (header=true) RETURN *",
        "load from typed": f"LOAD WITH HEADERS (a STRING) FROM '{t.canary}' (header=false) RETURN *",
        "load from delim": f"LOAD FROM '{t.canary}' (file_format='csv', header=false, delim='|') RETURN *",
        "load from passwd": "LOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') RETURN *",
        "load csv": f"LOAD CSV FROM 'file://{t.canary}' AS line RETURN line",
        "copy to new": f"COPY (MATCH (o:Organisation) RETURN o.name) TO '{t.write_to}'",
        "copy to canary": f"COPY (RETURN 'overwritten' AS x) TO '{t.canary}'",
        "copy from": f"COPY Organisation FROM '{t.canary}'",
        "export database": f"EXPORT DATABASE '{t.folder}/exported'",
        "import database": f"IMPORT DATABASE '{t.folder}'",
        "attach": f"ATTACH '{t.canary}' AS evil (dbtype lbug)",
        "load extension path": f"LOAD EXTENSION '{t.canary}'",
        "load extension": "LOAD EXTENSION json",
        "install extension": "INSTALL json",
        "commit": "COMMIT",
        "rollback": "ROLLBACK",
        "begin": "BEGIN TRANSACTION",
        "checkpoint": "CHECKPOINT",
        "apoc": f"CALL apoc.load.csv('file://{t.canary}') YIELD map RETURN map",
        "procedure": "CALL dbms.listConfig() YIELD name RETURN name",
        "create user": "CREATE USER evil SET PASSWORD 'x'",
        "in transactions": "CALL { MATCH (n:Person) DETACH DELETE n } IN TRANSACTIONS",
        "foreach": "MATCH (o:Organisation) FOREACH (x IN [1] | SET o.name = 'pwned')",
    }


READ = "MATCH (n:Organisation) RETURN count(n) AS n"

# How a payload is smuggled: `{p}` is the payload, `{r}` a harmless read.
WRAPPERS = {
    "plain": "{p}",
    "lowercase": "{lp}",
    "trailing semicolon": "{p};",
    "after a read": "{r}; {p}",
    "after a read, no space": "{r};{p}",
    "commit first": "COMMIT; {p}",
    "rollback first": "ROLLBACK; {p}",
    "begin first": "BEGIN TRANSACTION; {p}; COMMIT",
    "the /* **/ trick": "/* **/ ' */ COMMIT; {p} // '",
    "the /* **/ trick, no commit": "/* **/ ' */ {p} // '",
    "the trick after a read": "{r} /* **/ ' */ ; {p} // '",
    "block comment": "/* a comment */ {p}",
    "comment in a keyword gap": "{r} /**/;/**/ {p}",
    "nested comment": "/* outer /* inner */ ; {p} */ {r}",
    "unterminated comment": "{r}; {p} /*",
    "unterminated comment first": "/* {r}; {p}",
    "star slash in string": "{r} + '*/'; {p} //",
    "line comment LF": "{r} // x\n; {p}",
    "line comment CR": "{r} // x\r; {p}",
    "line comment CRLF": "{r} // x\r\n; {p}",
    "line comment U+2028": "{r} // x\u2028; {p}",
    "line comment NEL": "{r} // x\u0085; {p}",
    "single quote": "RETURN ';' AS x; {p}",
    "double quote": 'RETURN ";" AS x; {p}',
    "backtick": "RETURN 1 AS `;`; {p}",
    "escaped single quote": "RETURN '\\\\'; {p} //' AS x",
    "escaped double quote": 'RETURN "\\\\"; {p} //" AS x',
    "doubled backtick": "RETURN 1 AS `a``;`; {p}",
    "unicode escape": "RETURN '\\u0027; {p} //' AS x",
    "unterminated string": "RETURN '; {p}",
    "fullwidth semicolon": "{r}\uff1b {p}",
    "greek question mark": "{r}\u037e {p}",
    "cyrillic letters": "{cp}",
    "zero width space": "{r};\u200b{p}",
    "no-break space": "{r};\u00a0{p}",
    "tab and vertical tab": "{r};\t\x0b{p}",
    "nul byte": "{r};\x00{p}",
    "explain prefix": "EXPLAIN {p}",
    "profile prefix": "PROFILE {p}",
    "union": "{r} UNION {p}",
    "call subquery": "CALL {{ {p} }} RETURN 1",
    "with then": "MATCH (n) WITH n {p}",
    "many statements": ";".join(["{r}"] * 5) + "; {p}",
}

CYRILLIC = str.maketrans({"C": "\u0421", "O": "\u041e", "E": "\u0415", "A": "\u0410", "T": "\u0422"})


def cases(t: Targets) -> list[tuple[str, str]]:
    """(id, text) for every wrapper around every payload."""
    out = []
    for pname, p in payloads(t).items():
        for wname, wrapper in WRAPPERS.items():
            text = wrapper.format(p=p, lp=p.lower(), r=READ, cp=p.translate(CYRILLIC))
            out.append((f"{pname} / {wname}", text))
    return out


def sample(t: Targets, every: int) -> list[tuple[str, str]]:
    """A bounded part that still holds every payload and every wrapper."""
    all_cases = cases(t)
    names = list(WRAPPERS)
    picked = []
    for i, pname in enumerate(payloads(t)):
        for j in range(every):
            wname = names[(i * every + j) % len(names)]
            picked.append(next(c for c in all_cases if c[0] == f"{pname} / {wname}"))
    return picked


# The fuzzer's alphabet: pieces of syntax that lexers disagree on, and separators.
FRAGMENTS = [
    "/*", "*/", "/* **/", "**/", "//", "\n", "\r", "\r\n", "\u2028", "\u0085", "'", '"', "`", "\\", "\\'",
    '\\"', "\\\\", "\\u0027", ";", "\uff1b", "\u037e", " ", "\t", "\u00a0", "\u200b", "\x00", "COMMIT", "ROLLBACK",
    "BEGIN TRANSACTION", "EXPLAIN", "PROFILE", "RETURN 1", "RETURN '", "AS x", "UNION", "CALL {", "}", "(", ")",
]
