"""The Typer application and what every command shares: the store location, the console.

Only what every command needs is imported here (typer, and the store's light interface);
rich, pandas, the engines and the web stack are imported by the commands that use them,
so `icpmap --help` and `icpmap info` start at once (tests/test_cli_startup.py keeps it so).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from .. import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from ..graph import Store


@dataclass(frozen=True)
class Lazy:
    """A command defined in `icpmap.cli.<module>`, imported only when it runs (or shows its own help)."""

    module: str
    summary: str  # the first paragraph of its help, as `icpmap --help` lists it (tests/test_cli_startup.py checks)
    hidden: bool = False


# Every command, in the order `icpmap --help` lists them. A module registers its commands on `app`
# when imported; `icpmap X` imports X's module alone, and `icpmap --help` none (it lists the summaries).
COMMANDS: dict[str, Lazy] = {
    "demo": Lazy("demo_cmd", "Load the bundled Cheshire and Merseyside sample, write every output into OUT, and "
                             "index it."),
    "load": Lazy("load_cmd", "Load the partnership's files and NHS/ONS files as published. Nothing is written if "
                             "any row is wrong."),
    "visualise": Lazy("visual_cmds", "Draw a Place, board, PCN or whole ICS as one self-contained HTML page that "
                                     "works offline."),
    "visualize": Lazy("visual_cmds", "Same as `icpmap visualise`.", hidden=True),
    "chart": Lazy("visual_cmds", "Write a static chart (PNG or SVG): breadth by sector, PCN coterminosity, the "
                                 "assurance matrix, or\nprogress over time (one line per Place)."),
    "export": Lazy("visual_cmds", "Export the whole graph as input files (csv, xlsx), or a Place, board, PCN or ICS "
                                  "subgraph (gexf, graphml, json)."),
    "map": Lazy("map_cmd", "Draw a Place, ICS or PCN on a map: boundaries, neighbourhoods, practices by PCN, a "
                           "PCN's footprint."),
    "profile": Lazy("paper_cmd", "Write a board paper: a Place partnership profile (--place) or an ICS pack (--ics), as "
                                 "Word or PDF."),
    "report": Lazy("report_cmds", "Run a report. `icpmap report all --format xlsx --output pack.xlsx` writes every "
                                  "report into one workbook."),
    "reports": Lazy("report_cmds", "List the reports with their options."),
    "loads": Lazy("safety_cmds", "The load audit: every load (CLI, service, copy) and erasure, newest first, with "
                                 "who, when and which files."),
    "forget": Lazy("safety_cmds", "Forget a person (the right to erasure): their node and every relationship to or "
                                  "from them."),
    "copy": Lazy("safety_cmds", "Copy the whole graph into another, empty store (embedded <-> Neo4j), then check "
                                "the copy is identical."),
    "serve": Lazy("serve_cmds", "Run the web service: the JSON/CSV API (/docs) and the dashboard (/) on the "
                                "configured store."),
    "info": Lazy("store_cmds", "Show the engine, where the store is, and what it holds."),
    "query": Lazy("store_cmds", "Run your own read-only Cypher. Anything but a read is refused and changes nothing."),
    "queries": Lazy("store_cmds", "List the query library."),
    "run": Lazy("store_cmds", "Run a named query from the library."),
    "schema": Lazy("store_cmds", "Show the graph model and the input-file contract (generated from graph/model.py)."),
    "synth": Lazy("synth_cmd", "Write synthetic, invented data in the input format, with gaps for every report to "
                               "find."),
    "keys": Lazy("serve_cmds", "API keys for the web service: create, list, revoke."),
}


class LazyGroup(TyperGroup):
    """The `icpmap` group: a command's module is imported when that command is asked for.

    Typer builds every registered command's options when the group is made, and the
    modules import what their options need, so importing them all cost `icpmap --help`
    more than Typer itself. Listing the commands (`--help`) needs only their summaries.
    Commands registered on `app` by a module imported up front are served as usual."""

    listing = False  # True while the group's own help is written

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(name for name in super().list_commands(ctx) if name not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        lazy = COMMANDS.get(cmd_name)
        if command is not None or lazy is None:
            return command
        if self.listing:  # only its line in the list: no need to import it
            return TyperCommand(name=cmd_name, help=lazy.summary, hidden=lazy.hidden)
        importlib.import_module(f"{__package__}.{lazy.module}")  # registers its commands on `app`
        command = typer.main.get_command(app).commands.get(cmd_name)  # type: ignore[attr-defined]
        if command is not None:
            self.add_command(command, cmd_name)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False


app = typer.Typer(
    name="icpmap",
    help="Map NHS integrated care partnerships as a graph, and ask it questions.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=LazyGroup,
)


class LazyConsole:
    """A rich Console made on first use: a command that prints only CSV never imports rich."""

    def __init__(self, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    @property
    def rich(self) -> Console:
        """The Console itself (for rich's own classes, which may use it as a context manager)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rich, name)

    def __enter__(self) -> Console:
        return self.rich.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self.rich.__exit__(*exc)


def Text(*args: Any, **kwargs: Any) -> Any:
    """`rich.text.Text`, imported on first use."""
    from rich.text import Text as RichText

    return RichText(*args, **kwargs)


def Table(*args: Any, **kwargs: Any) -> Any:
    """`rich.table.Table`, imported on first use."""
    from rich.table import Table as RichTable

    return RichTable(*args, **kwargs)


console: Console = LazyConsole()  # type: ignore[assignment]
err_console: Console = LazyConsole(stderr=True)  # type: ignore[assignment]


@dataclass
class State:
    db: Path | None = None

    def store(self, read_only: bool = False) -> Store:
        """The configured store. `read_only` for commands that only read: no schema write, and
        other readers may use the embedded store at the same time (an empty or missing store is
        opened for writing once, so it gets its schema)."""
        from ..graph import open_store

        return open_store(self.db, read_only=read_only)


state = State()


def _version(value: bool) -> None:
    if value:
        print(f"icpmap {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Path | None = typer.Option(
        None, "--db", help="The embedded store, a database file (default: ICPMAP_DB, else one in the user data directory).",
        envvar=None,
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit.",
    ),
) -> None:
    """icpmap: load partnerships, then report, draw and serve them."""
    state.db = db


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error for a person (no markup read from the message) and exit non-zero."""
    err_console.print(Text("Error: ", style="bold red") + Text(message))
    raise SystemExit(code)


def store_label(store: Store) -> str:
    return f"{store.engine} at {store.location}"


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}
