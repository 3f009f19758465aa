"""The Typer application and what every command shares: the store location, the console.

Only what every command needs is imported here (typer, and the store's light interface);
rich, pandas, the engines and the web stack are imported by the commands that use them,
so `icpmap --help` and `icpmap info` start at once (tests/test_cli_startup.py keeps it so).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from .. import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from ..graph import Store

app = typer.Typer(
    name="icpmap",
    help="Map NHS integrated care partnerships as a graph, and ask it questions.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
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
