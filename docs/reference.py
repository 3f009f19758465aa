"""The reference pages of the documentation, generated from the code so that they cannot drift.

Each generator returns a page's Markdown; `PAGES` maps the page's path (under `docs/`) to its
generator. `python -m icpmap.docs` writes them, `python -m icpmap.docs --check` fails when a
committed page differs from what the code says now (tests/test_docs.py runs the check).

- `reference/cli.md`: every command, argument and option of the Typer app (`cli/`);
- `reference/api.md`: every operation of the OpenAPI schema, with the role each route requires,
  and the dashboard's pages (`api/`);
- `model.md`: the graph model and the input files (`graph/model.py`, through `graph/docs.py`,
  the generator `icpmap schema --markdown` prints);
- `reference/queries.md`: the query library, from the `.cypher` files' headers (`cypher/`);
- `reference/reports.md`: every report's options and columns (`reports/registry.py`);
- `reference/settings.md`: the environment variables (`graph/config.py`) and the report
  settings (`reports/settings.py`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
GENERATED = "Generated from the code by `python -m icpmap.docs`; do not edit by hand."


def cell(value: Any) -> str:
    """Text for one Markdown table cell: one line, pipes escaped."""
    return " ".join(str(value if value is not None else "").split()).replace("|", "\\|")


def table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def page(title: str, intro: str, body: list[str]) -> str:
    return "\n".join([f"# {title}", "", GENERATED, "", intro, "", *body]).rstrip() + "\n"


# -- the command line --------------------------------------------------------------------------------


def _default(param: Any) -> str:
    default = param.default
    if callable(default) or default is None or param.required:
        return ""
    if getattr(param, "is_flag", False) and not getattr(param, "secondary_opts", None):
        return "" if default is False else "on"
    if isinstance(default, bool):
        return (param.opts[0] if default else param.secondary_opts[0]) if param.secondary_opts else str(default)
    if isinstance(default, (list, tuple)):
        return ", ".join(str(v) for v in default)
    if isinstance(default, Path):
        return default.as_posix()
    return str(default)


def _names(param: Any) -> str:
    if param.param_type_name == "argument":
        return _argument(param)
    return " / ".join(", ".join(param.opts if i == 0 else param.secondary_opts) for i in range(2)
                      if (param.opts if i == 0 else param.secondary_opts))


def _argument(param: Any) -> str:
    return (param.metavar or param.name).strip("[].").upper()


def _value(param: Any) -> str:
    """What an option takes, from its annotation (Typer) or its click type."""
    if param.param_type_name == "argument" or getattr(param, "is_flag", False):
        return ""
    descriptor = getattr(param, "type_descriptor", None)
    kind = getattr(descriptor, "annotation", None) or getattr(getattr(param, "type", None), "name", "")
    args = getattr(kind, "__args__", ())
    repeat = bool(args) or getattr(param, "multiple", False)
    base = args[0] if args else kind
    name = getattr(base, "__name__", str(base)).lower()
    text = {"int": "INTEGER", "integer": "INTEGER", "float": "NUMBER", "str": "TEXT", "text": "TEXT",
            "path": "PATH", "posixpath": "PATH", "date": "DATE"}.get(name, name.upper())
    return f"{text} (repeatable)" if repeat else text


def _usage(command: Any, ctx: Any) -> list[str]:
    """`[OPTIONS] NAME [TARGET] PATH...`: built here, not by Typer, so the page follows our code only."""
    pieces = ["[OPTIONS]"]
    for p in command.get_params(ctx):
        if p.param_type_name == "argument":
            name = _argument(p) + ("..." if p.nargs == -1 else "")
            pieces.append(name if p.required else f"[{name}]")
    if hasattr(command, "list_commands"):
        pieces.append("COMMAND [ARGS]...")
    return pieces


def _first_line(command: Any) -> str:
    text = (command.help or "").strip()
    return text.split("\n\n")[0].replace("\n", " ").split(". ")[0].rstrip(".") + "." if text else ""


def cli_markdown() -> str:
    import typer.main

    from ..cli import app

    root = typer.main.get_command(app)
    body: list[str] = []

    def walk(command: Any, ctx: Any, depth: int) -> None:
        path = ctx.command_path
        usage = " ".join([path, *_usage(command, ctx)])
        body.extend([f"## `{path}` {{#{_anchor(path)}}}", "", f"```text\n{usage}\n```", ""])
        help_text = (command.help or "").strip()
        if help_text:
            body.extend([help_text, ""])
        params = [p for p in command.get_params(ctx) if p.name != "help"]
        if params:
            body.extend(table(["argument or option", "value", "default", "what it does"],
                              ([f"`{_names(p)}`", _value(p), _default(p) + (" (required)" if p.required else ""),
                                getattr(p, "help", "") or ""] for p in params)))
            body.append("")
        if hasattr(command, "list_commands"):
            names = [n for n in command.list_commands(ctx)
                     if not getattr(command.get_command(ctx, n), "hidden", False)]
            if depth == 0:
                body.extend(table(["command", "what it does"], (
                    [f"[`{path} {n}`](#{_anchor(f'{path} {n}')})", _first_line(command.get_command(ctx, n))]
                    for n in names)))
                body.append("")
            for name in names:
                sub = command.get_command(ctx, name)
                if sub is not None and not getattr(sub, "hidden", False):
                    walk(sub, sub.context_class(sub, info_name=name, parent=ctx), depth + 1)

    walk(root, root.context_class(root, info_name="icpmap"), 0)
    return page("Command line", "Every command of `icpmap`, with its arguments and options, as `icpmap COMMAND "
                "--help` gives them. The options before the command (`--db`) apply to every command.", body)


# -- the HTTP API ------------------------------------------------------------------------------------


def _roles() -> dict[Any, str]:
    from ..api import deps

    return {getattr(deps, name): role for name, role in (
        ("viewer", "viewer"), ("analyst", "analyst"), ("admin", "admin"),
        ("page_viewer", "viewer"), ("page_analyst", "analyst"), ("page_admin", "admin"))}


def _role(route: Any, roles: dict[Any, str]) -> str:
    """The role a route requires: the `deps.require(...)` among its dependencies, else none."""
    found: list[str] = []

    def walk(dependant: Any) -> None:
        for dep in dependant.dependencies:
            if dep.call in roles:
                found.append(roles[dep.call])
            walk(dep)

    walk(route.dependant)
    return found[0] if found else "none"


def _api_routes(routes: Iterable[Any]) -> list[Any]:
    """Every APIRoute of the app, also inside included routers (FastAPI 0.165 keeps those lazily)."""
    from fastapi.routing import APIRoute

    found: list[Any] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif getattr(route, "original_router", None) is not None:
            found += _api_routes(route.original_router.routes)
    return found


def _schema_type(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        kinds = [_schema_type(s) for s in schema["anyOf"] if s.get("type") != "null"]
        return " or ".join(k for k in kinds if k)
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if schema.get("type") == "array":
        return f"list of {_schema_type(schema.get('items', {}))}"
    return schema.get("format") or schema.get("type") or schema.get("$ref", "").rsplit("/", 1)[-1]


def api_markdown() -> str:
    from ..api.app import create_app

    app = create_app()
    schema = app.openapi()
    roles = _roles()
    routes = _api_routes(app.routes)
    route_role = {(m, r.path): _role(r, roles) for r in routes for m in r.methods}
    body = [schema["info"].get("description", "").strip(), "", "## Operations", ""]
    body += table(["method and path", "role", "what"], (
        [f"[`{m.upper()} {path}`](#{m}-{_anchor(path)})", route_role.get((m.upper(), path), "none"), op.get("summary", "")]
        for path, ops in schema["paths"].items() for m, op in ops.items()))
    body.append("")
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            body += [f"### `{method.upper()} {path}` {{#{method}-{_anchor(path)}}}", "", _stop(op.get("summary", "")), ""]
            body += [f"Role: **{route_role.get((method.upper(), path), 'none')}**.", ""]
            if op.get("description"):
                body += [op["description"].strip(), ""]
            params = op.get("parameters", [])
            if params:
                body += table(["parameter", "in", "type", "required", "what"], (
                    [f"`{p['name']}`", p["in"], _schema_type(p.get("schema", {})), "yes" if p.get("required") else "",
                     p.get("description") or p.get("schema", {}).get("description", "")] for p in params))
                body.append("")
            content = op.get("requestBody", {}).get("content", {})
            if content:
                body += ["Request body: " + ", ".join(f"`{c}`" for c in content) + ".", ""]
            responses = op.get("responses", {})
            body += table(["status", "when"], ([code, r.get("description", "")] for code, r in responses.items()))
            body.append("")
    pages = [r for r in routes if not r.include_in_schema]
    if pages:
        body += ["## Dashboard pages", "", "Server-rendered HTML (not in the OpenAPI schema): the same roles, "
                 "a signed-in session instead of a key header.", ""]
        body += table(["method and path", "role", "what"], (
            [f"`{' '.join(sorted(r.methods))} {r.path}`", _role(r, roles),
             (r.endpoint.__doc__ or r.name).strip().splitlines()[0]] for r in sorted(pages, key=lambda r: r.path)))
    return page("HTTP API", "What `icpmap serve` answers, from its OpenAPI schema (also served live at "
                "`/openapi.json`, and readable at `/docs`).", body)


def _stop(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".?!" else text + "."


def _anchor(path: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in path.lower()).strip("-")


# -- the model, the queries, the reports, the settings ------------------------------------------------


def model_markdown() -> str:
    from ..graph.docs import model_markdown as generate

    return generate()


def queries_markdown() -> str:
    from .. import cypher

    groups = {"": "Library queries", "reports": "Report queries", "visual": "Diagram queries",
              "load": "Loader queries"}
    by_folder: dict[str, list[Any]] = {}
    for q in cypher.queries().values():
        folder = q.path.parent.relative_to(cypher.QUERY_DIR).as_posix()
        by_folder.setdefault("" if folder == "." else folder, []).append(q)
    body = ["Run one with `icpmap run NAME --param NAME=VALUE` (or read its file). Queries marked *internal* are "
            "building blocks of the diagrams and loaders; `icpmap queries` lists the others.", ""]
    for folder in sorted(by_folder, key=lambda f: (list(groups).index(f) if f in groups else 9, f)):
        body += [f"## {groups.get(folder, folder)}", ""]
        for q in sorted(by_folder[folder], key=lambda q: q.name):
            rel = q.path.relative_to(cypher.QUERY_DIR.parent).as_posix()
            body += [f"### `{q.name}`", "", q.description or "", "",
                     f"File: `{rel}`" + (" (*internal*)" if q.extra.get("internal") else "") + ".", ""]
            if q.params:
                body += table(["parameter", "type", "required", "default", "what"], (
                    [f"`{p.name}`", p.type, "yes" if p.required else "", p.default or "", p.help] for p in q.params))
                body.append("")
            if q.columns:
                body += ["Columns: " + ", ".join(f"`{c}`" for c in q.columns) + ".", ""]
    return page("Query library", "Every `.cypher` file of `cypher/`, from its header: the same text runs on "
                "LadybugDB and on Neo4j.", body)


def reports_markdown() -> str:
    from ..reports import REPORTS

    body = ["What each report takes and gives. What each column means: [the reports](../concepts/reports.md).", ""]
    body += table(["report", "what"], ([f"[`{r.name}`](#{r.name})", r.description] for r in REPORTS.values()))
    body.append("")
    for r in REPORTS.values():
        body += [f"## `{r.name}`", "", r.description, "", f"`icpmap report {r.name}`, `GET /reports/{r.name}`.", ""]
        body += table(["option", "API parameter", "type", "what"], (
            [f"`{o.flag}`", f"`{o.name}`", " | ".join(o.choices) if o.choices else o.type, o.help] for o in r.options))
        body += ["", "Columns: " + ", ".join(f"`{c}`" for c in r.columns) + ".", "",
                 "Queries: " + ", ".join(f"[`{q}`](queries.md#{q})" for q in r.queries) + ".", ""]
    return page("Reports", "Every report of `icpmap reports`, from the report registry.", body)


def settings_markdown() -> str:
    from ..graph.config import ENVIRONMENT
    from ..reports.settings import ReportSettings

    body = ["## Environment variables", ""]
    groups: dict[str, list[Any]] = {}
    for var in ENVIRONMENT:
        groups.setdefault(var.group, []).append(var)
    for group, items in groups.items():
        body += [f"### {group}", ""]
        body += table(["variable", "default", "what"], ([f"`{v.name}`", v.default, v.meaning] for v in items))
        body.append("")
    body += ["## Report settings", "",
             "A TOML file named by `ICPMAP_SETTINGS` overrides these in its `[reports]` table; a command-line "
             "option (`--threshold`) beats the file. Unknown names and values outside the vocabularies are refused.",
             ""]
    defaults = ReportSettings()
    fields = dataclasses.fields(ReportSettings)
    body += table(["setting", "default", "what"], (
        [f"`{f.name}`", _toml(getattr(defaults, f.name)), f.metadata.get("description", "")] for f in fields))
    body += ["", "The defaults as a file:", "", "```toml", "[reports]"]
    body += [f"{f.name} = {_toml(getattr(defaults, f.name))}" for f in fields]
    body += ["```", ""]
    return page("Settings", "Everything icpmap reads from its environment, and the settings of the reports.", body)


def _toml(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    return str(value)


PAGES: dict[str, Callable[[], str]] = {
    "reference/cli.md": cli_markdown,
    "reference/api.md": api_markdown,
    "model.md": model_markdown,
    "reference/queries.md": queries_markdown,
    "reference/reports.md": reports_markdown,
    "reference/settings.md": settings_markdown,
}


def generate() -> dict[str, str]:
    return {name: make() for name, make in PAGES.items()}


def stale(docs: Path = DOCS) -> list[str]:
    """The generated pages whose committed text differs from what the code gives now."""
    return [name for name, text in generate().items()
            if not (docs / name).is_file() or (docs / name).read_text(encoding="utf-8") != text]


def write(docs: Path = DOCS) -> list[str]:
    """Write every generated page; returns those that changed."""
    changed = []
    for name, text in generate().items():
        path = docs / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    return changed


__all__ = ["PAGES", "generate", "stale", "write"]
