"""Our own mutants for what mutmut cannot reach: queries, templates, the diagram script, and
Python outside function bodies (constants, the role each route requires).

Each mutant changes one spot of one file. Operators, by kind of file:

- `.cypher`: comparison operators and boundaries (`<`/`<=`, `>`/`>=`, `=`/`<>`),
  `AND`/`OR`, `IS NULL`/`IS NOT NULL`, `NOT` dropped, `DISTINCT` dropped,
  `OPTIONAL MATCH` made `MATCH`, integer literals moved by one, `min`/`max`, `DESC`.
- Jinja templates (`.html`, `.j2`): an output `{{ x }}` made `{{ (x)|safe }}` (escaping
  off at that spot), `==`/`!=` in `{% if %}`.
- the diagram script (`.js`): a DOM text sink (`.textContent =`, `el(tag, text)`,
  `document.createTextNode(text)`) made an HTML sink, `===`/`!==`.
- Python: one element dropped from a module-level constant tuple or set (`FORMULA_START`,
  `SAFE_METHODS`, …), a route's role dependency lowered (`Depends(admin)` →
  `Depends(analyst)`, `Depends(viewer)` → no check), a role `require("admin")` lowered,
  and the day and month swapped in a date format.

The text outside code (comments, `//` header lines of a query) is left alone.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from dataclasses import asdict, dataclass

from .stage import ROOT


@dataclass(frozen=True)
class Mutant:
    id: str
    file: str  # path inside the package
    line: int
    op: str
    start: int  # offsets in the file's text
    end: int
    replacement: str
    before: str  # the line as it was
    after: str  # the line as mutated

    def apply(self, text: str) -> str:
        return text[: self.start] + self.replacement + text[self.end:]

    def as_dict(self) -> dict:
        return asdict(self)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _make(file: str, text: str, op: str, start: int, end: int, replacement: str, k: int) -> Mutant:
    line = _line_of(text, start)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    mutated = text[line_start:start] + replacement + text[end:line_end]
    return Mutant(f"{file}:{line}:{op}:{k}", file, line, op, start, end, replacement,
                  text[line_start:line_end].strip(), mutated.strip())


def _masked(text: str, string_re: re.Pattern[str], comment_re: re.Pattern[str] | None) -> str:
    """The text with string literals and comments blanked (same length), so operators are
    only found in code."""
    def blank(m: re.Match[str]) -> str:
        return "".join("\n" if ch == "\n" else " " for ch in m.group(0))

    if comment_re is not None:
        text = comment_re.sub(blank, text)
    return string_re.sub(lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1], text)


def _regex_mutants(file: str, text: str, code: str, rules: list[tuple[str, str, object]]) -> list[Mutant]:
    """Apply (op, pattern, replacement-or-function) rules on the masked `code`, cutting from `text`."""
    out: list[Mutant] = []
    counts: dict[tuple[int, str], int] = {}
    for op, pattern, repl in rules:
        for m in re.finditer(pattern, code):
            start, end = m.span(1) if m.groups() else m.span()
            original = text[start:end]
            new = repl(original) if callable(repl) else repl
            if new is None or new == original:
                continue
            key = (_line_of(text, start), op)
            counts[key] = counts.get(key, 0) + 1
            out.append(_make(file, text, op, start, end, new, counts[key]))
    return out


# -- Cypher ---------------------------------------------------------------------------

_CY_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_CY_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_CY_RULES: list[tuple[str, str, object]] = [
    ("cmp", r"(?<=\s)(<=|>=|<>|<|>|=)(?=\s)",
     lambda s: {"<=": "<", "<": "<=", ">=": ">", ">": ">=", "=": "<>", "<>": "="}[s]),
    ("and-or", r"(?<=\s)(AND|OR)(?=\s)", lambda s: "OR" if s == "AND" else "AND"),
    ("is-null", r"\b(IS NOT NULL|IS NULL)\b", lambda s: "IS NULL" if s == "IS NOT NULL" else "IS NOT NULL"),
    ("not", r"(?<![A-Za-z_])(NOT\s+)(?!NULL)", ""),
    ("distinct", r"\b(DISTINCT\s+)", ""),
    ("optional", r"\b(OPTIONAL\s+)MATCH\b", ""),
    ("int", r"(?<![\w$.])(\d+)(?![\w.])", lambda s: str(int(s) + 1)),
    ("min-max", r"\b(min|max)\(", lambda s: "max" if s == "min" else "min"),
    ("desc", r"\b(DESC)\b", "ASC"),
]


def cypher_mutants(file: str, text: str) -> list[Mutant]:
    code = _masked(text, _CY_STRING, _CY_COMMENT)
    return _regex_mutants(file, text, code, _CY_RULES)


# -- Jinja templates ------------------------------------------------------------------

_SAFE_OUTPUT = re.compile(r"\|\s*(length|tojson|safe|urlencode|count|int|float)\b|status_tag\(|loop\.")


def template_mutants(file: str, text: str) -> list[Mutant]:
    out: list[Mutant] = []
    counts: dict[int, int] = {}
    for m in re.finditer(r"\{\{-?\s*(.*?)\s*-?\}\}", text, flags=re.S):
        expr = m.group(1)
        if _SAFE_OUTPUT.search(expr):
            continue  # already safe by construction (numbers, JSON, URL-encoded, macros)
        line = _line_of(text, m.start(1))
        counts[line] = counts.get(line, 0) + 1
        out.append(_make(file, text, "unescaped", m.start(1), m.end(1), f"({expr})|safe", counts[line]))
    for m in re.finditer(r"\{%-?\s*(?:if|elif)\b(.*?)%\}", text, flags=re.S):
        for c in re.finditer(r"==|!=", m.group(1)):
            start = m.start(1) + c.start()
            line = _line_of(text, start)
            counts[line] = counts.get(line, 0) + 1
            out.append(_make(file, text, "cmp", start, start + 2, "!=" if c.group(0) == "==" else "==", counts[line]))
    return out


# -- the diagram script -----------------------------------------------------------------

_JS_STRING = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
_JS_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_JS_HELPERS = (
    ' function __mutHtml(t, x, c) { var e = document.createElement(t); if (x !== undefined && x !== null)'
    ' e.innerHTML = String(x); if (c) e.className = c; return e; }'
    ' function __mutHtmlNode(x) { var e = document.createElement("span"); e.innerHTML = String(x); return e; }'
)


def script_mutants(file: str, text: str) -> list[Mutant]:
    code = _masked(text, _JS_STRING, _JS_COMMENT)
    out = _regex_mutants(file, text, code, [
        ("html-sink", r"\.(textContent)\s*=", "innerHTML"),
        ("cmp", r"(?<=\s)(===|!==)(?=\s)", lambda s: "!==" if s == "===" else "==="),
    ])
    anchor = text.find('"use strict";')
    if anchor < 0:
        return out
    anchor += len('"use strict";')
    counts: dict[int, int] = {}
    # el(tag, text...) where the text is data, not a literal: becomes an innerHTML sink.
    for m in re.finditer(r"\bel\((\s*\"\s*\"\s*,\s*)([^\"\s)][^,)]*)", code):
        if m.group(2).strip() in {"null", "undefined"}:
            continue
        sites = [(m.start(), m.start() + 2, "__mutHtml")]
        out.append(_helper_mutant(file, text, anchor, sites, "html-el", counts))
    for m in re.finditer(r"document\.createTextNode\(", code):
        sites = [(m.start(), m.end() - 1, "__mutHtmlNode")]
        out.append(_helper_mutant(file, text, anchor, sites, "html-text", counts))
    return out


def _helper_mutant(file: str, text: str, anchor: int, sites: list[tuple[int, int, str]], op: str,
                   counts: dict[int, int]) -> Mutant:
    """A mutant that swaps a call for a helper which is defined once at the top of the script."""
    start, end, name = sites[0]
    line = _line_of(text, start)
    counts[line] = counts.get(line, 0) + 1
    # One contiguous edit from the anchor to the call site: helpers + the text between + the new name.
    replacement = _JS_HELPERS + text[anchor:start] + name
    m = _make(file, text, op, anchor, end, replacement, counts[line])
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before = text[line_start:line_end].strip()
    after = (text[line_start:start] + name + text[end:line_end]).strip()
    return Mutant(f"{file}:{line}:{op}:{counts[line]}", file, line, op, m.start, m.end, m.replacement, before, after)


# -- Python outside function bodies ---------------------------------------------------

_CONSTANT = re.compile(r"^_?[A-Z][A-Z0-9_]*$")
_LOWER = {"admin": "analyst", "analyst": "viewer", "page_admin": "page_analyst", "page_analyst": "page_viewer"}


def python_mutants(file: str, text: str) -> list[Mutant]:
    out: list[Mutant] = []
    tree = ast.parse(text)
    offsets = [0]
    for line in text.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))

    def span(node: ast.AST) -> tuple[int, int]:
        return (offsets[node.lineno - 1] + node.col_offset, offsets[node.end_lineno - 1] + node.end_col_offset)

    counts: dict[int, int] = {}

    def add(op: str, start: int, end: int, replacement: str) -> None:
        line = _line_of(text, start)
        counts[line] = counts.get(line, 0) + 1
        out.append(_make(file, text, op, start, end, replacement, counts[line]))

    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        value = getattr(node, "value", None)
        if not (len(targets) == 1 and isinstance(targets[0], ast.Name) and _CONSTANT.match(targets[0].id)):
            continue
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "frozenset" and value.args:
            value = value.args[0]
        if isinstance(value, (ast.Tuple, ast.Set, ast.List)) and len(value.elts) > 1 and all(
                isinstance(e, ast.Constant) for e in value.elts):
            for i, elt in enumerate(value.elts):
                s, e = span(elt)
                # drop the element and the comma after it (or before it, for the last one)
                if i + 1 < len(value.elts):
                    e = span(value.elts[i + 1])[0]
                else:
                    s = span(value.elts[i - 1])[1]
                add("drop-element", s, e, "")
                if isinstance(elt.value, str) and "%d" in elt.value and "%m" in elt.value:
                    s2, e2 = span(elt)
                    swapped = text[s2:e2].replace("%d", "%\0").replace("%m", "%d").replace("%\0", "%m")
                    add("day-month", s2, e2, swapped)
    for m in re.finditer(r"Depends\((page_admin|page_analyst|admin|analyst)\)", text):
        add("role", m.start(1), m.end(1), _LOWER[m.group(1)])
    for m in re.finditer(r"Depends\((page_viewer|viewer)\)", text):
        add("role", m.start(), m.end(), "Depends(lambda: None)")
    for m in re.finditer(r"\brequire\(\"(admin|analyst)\"", text):
        add("role", m.start(1), m.end(1), _LOWER[m.group(1)])
    return out


# -- all of them ------------------------------------------------------------------------

def mutants_for(file: str, text: str) -> list[Mutant]:
    if file.endswith(".cypher"):
        return cypher_mutants(file, text)
    if file.endswith((".html", ".j2")):
        return template_mutants(file, text)
    if file.endswith(".js"):
        return script_mutants(file, text)
    if file.endswith(".py"):
        return python_mutants(file, text)
    raise ValueError(f"no operators for {file}")


def expand(patterns: list[str]) -> list[str]:
    files: set[str] = set()
    for pattern in patterns:
        for path in ROOT.glob(pattern):
            rel = str(path.relative_to(ROOT))
            if fnmatch.fnmatch(rel, pattern) and path.is_file():
                files.add(rel)
    return sorted(files)


def generate(patterns: list[str]) -> list[Mutant]:
    out: list[Mutant] = []
    for file in expand(patterns):
        out.extend(mutants_for(file, (ROOT / file).read_text(encoding="utf-8")))
    return out
