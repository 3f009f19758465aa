"""The `icpmap` command line: one module per group of commands, all on one Typer app."""

from __future__ import annotations

import sys

from ..errors import UserError

# Each command's module registers it on `app` when that command runs (`app.COMMANDS`).
from .app import app, err_console, fail


def main() -> None:
    """Entry point: no traceback ever reaches the user; what it writes is for its owner only."""
    from ..graph.files import strict_umask

    strict_umask()  # the store, its log, exports and reports hold people's names
    try:
        try:
            app(standalone_mode=True)
        except UserError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            err_console.print("Interrupted.")
            sys.exit(130)
        except Exception as exc:  # last resort: a message, not a traceback
            fail(f"Unexpected error: {type(exc).__name__}: {exc}", code=2)
    except SystemExit as done:  # every command ends here (Typer's standalone mode exits)
        exit_now(done.code)
        raise


def exit_now(code: object) -> None:
    """End the process at once with `code`, once everything it wrote is out and its stores closed.

    A normal exit then frees every object one by one (pandas, the engine, the web stack:
    tenths of a second for a command that took little more). Skipped, leaving the normal exit,
    when a thread other than daemons is still running, the code is not a number, or the output
    cannot be flushed (a closed pipe: Python reports it as usual)."""
    import atexit
    import gc
    import os
    import threading

    code = 0 if code is None else code
    if not isinstance(code, int) or any(
        t is not threading.main_thread() and not t.daemon and t.is_alive() for t in threading.enumerate()
    ):
        return
    gc.freeze()  # from here on no collection walks the objects of the command
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        for name in ("icpmap.graph.ladybug_store", "icpmap.graph.neo4j_store"):
            engine = sys.modules.get(name)
            if engine is not None:
                engine.close_all()  # as the normal exit would (a store writes its log out when closed)
        atexit._run_exitfuncs()  # temporary folders, worker processes, logging
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # the normal exit then does it, and reports what fails
        return
    os._exit(code)


__all__ = ["app", "exit_now", "main"]
