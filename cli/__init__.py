"""The `icpmap` command line: one module per group of commands, all on one Typer app."""

from __future__ import annotations

import sys

from ..errors import UserError

# Each module registers its commands on `app` when imported.
from . import (  # noqa: F401
    demo_cmd,
    load_cmd,
    map_cmd,
    paper_cmd,
    report_cmds,
    safety_cmds,
    serve_cmds,
    store_cmds,
    synth_cmd,
    visual_cmds,
)
from .app import app, err_console, fail


def main() -> None:
    """Entry point: no traceback ever reaches the user; what it writes is for its owner only."""
    from ..graph.files import strict_umask

    strict_umask()  # the store, its log, exports and reports hold people's names
    try:
        app(standalone_mode=True)
    except UserError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        err_console.print("Interrupted.")
        sys.exit(130)
    except Exception as exc:  # last resort: a message, not a traceback
        fail(f"Unexpected error: {type(exc).__name__}: {exc}", code=2)


__all__ = ["app", "main"]
