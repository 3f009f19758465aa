"""Commands on the store and the query library: `info`, `query`, `queries`, `run`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from .. import cypher
from ..graph.limits import Limits as QueryLimits
from ..graph.model import NODES
from .app import Table, Text, app, console, err_console, fail, state
from .output import emit

FORMAT_HELP = "table, csv or json (xlsx with --output)"


def parse_params(pairs: list[str] | None) -> dict[str, Any]:
    """`NAME=VALUE` pairs; a value is JSON when it parses as JSON, else a string."""
    params: dict[str, Any] = {}
    for pair in pairs or []:
        name, sep, raw = pair.partition("=")
        if not sep or not name.strip():
            fail(f"--param takes NAME=VALUE; got {pair!r}.")
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        params[name.strip()] = value
    return params


@app.command()
def info() -> None:
    """Show the engine, where the store is, and what it holds."""
    with state.store(read_only=True) as store:
        counts = store.counts()
        console.print(Text(f"Engine:   {store.engine}"))
        console.print(Text(f"Location: {store.location}"))
    table = Table("kind", "name", "count", title="Contents")
    for name, count in counts.items():
        kind = "node" if name in NODES else "relationship"
        table.add_row(kind, name, str(count))
    console.print(table)


@app.command()
def query(
    cypher_text: str = typer.Argument(..., metavar="CYPHER", help="A read-only Cypher query."),
    param: list[str] = typer.Option(None, "--param", "-p", help="NAME=VALUE (JSON when it parses, else a string)."),
    fmt: str = typer.Option("table", "--format", "-f", help=FORMAT_HELP),
    output: Path = typer.Option(None, "--output", "-o", help="Write to this file instead of the terminal."),
    timeout: float = typer.Option(QueryLimits.timeout_s, "--timeout", min=0.1, max=3600,
                                  help="Stop the query after this many seconds."),
    max_rows: int = typer.Option(100_000, "--max-rows", min=1, help="Fetch at most this many rows."),
    max_memory_mb: int = typer.Option(QueryLimits.max_memory_mb, "--max-memory-mb", min=64,
                                      help="Stop the query if its process needs more memory than this."),
) -> None:
    """Run your own read-only Cypher. Anything but a read is refused and changes nothing."""
    with state.store(read_only=True) as store:
        result = store.user_query(cypher_text, parse_params(param), timeout=timeout, max_rows=max_rows,
                                  max_memory_mb=max_memory_mb)
    emit(result.columns, result.rows, fmt, output)
    if result.truncated:
        err_console.print(Text(f"Only the first {max_rows:,} rows are shown; --max-rows raises the limit."),
                          style="yellow")


@app.command("queries")
def list_queries() -> None:
    """List the query library."""
    table = Table("name", "parameters", "description", title="Query library")
    for q in cypher.queries().values():
        params = ", ".join(f"{p.name}{'*' if p.required else ''}:{p.type}" for p in q.params)
        table.add_row(Text(q.name), Text(params), Text(q.description))
    console.print(table)
    console.print("* required. Run one with: icpmap run NAME --param NAME=VALUE", style="dim")


@app.command()
def run(
    name: str = typer.Argument(..., help="A query name from `icpmap queries`."),
    param: list[str] = typer.Option(None, "--param", "-p", help="NAME=VALUE"),
    fmt: str = typer.Option("table", "--format", "-f", help=FORMAT_HELP),
    output: Path = typer.Option(None, "--output", "-o", help="Write to this file instead of the terminal."),
) -> None:
    """Run a named query from the library."""
    q = cypher.get(name)
    params = q.bind(parse_params(param))
    with state.store(read_only=True) as store:
        result = store.read(q.text, params)
    emit(result.columns, result.rows, fmt, output, title=q.name)


@app.command()
def schema(
    markdown: bool = typer.Option(False, "--markdown", help="Print the model and input files as Markdown."),
) -> None:
    """Show the graph model and the input-file contract (generated from graph/model.py)."""
    from ..graph.docs import model_markdown

    if markdown:
        print(model_markdown(), end="")
        return
    from rich.markdown import Markdown

    console.print(Markdown(model_markdown()))
