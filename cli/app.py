"""The Typer application and what every command shares: the store location, the console."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text

from ..graph import Store, open_store

app = typer.Typer(
    name="icpmap",
    help="Map NHS integrated care partnerships as a graph, and ask it questions.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


@dataclass
class State:
    db: Path | None = None

    def store(self, read_only: bool = False) -> Store:
        return open_store(self.db, read_only=read_only)


state = State()


@app.callback()
def main_options(
    db: Path | None = typer.Option(
        None, "--db", help="Embedded store directory (default: ICPMAP_DB, else the user data directory).",
        envvar=None,
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
