"""The command line starts at once: heavy modules are imported only by the commands that use them.

Each check runs in a fresh child process (this test process has imported everything already).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# The web stack, pandas and numpy, the charts, the engines, and what only some commands need.
# (pydantic too: Typer 0.29 reads every option through it, hence pyproject's `typer<0.29`.)
HEAVY = (
    "pandas", "numpy", "fastapi", "starlette", "uvicorn", "matplotlib", "pyvis", "networkx", "openpyxl",
    "ladybug", "neo4j", "jinja2", "pydantic", "docx", "fpdf", "PIL",
)

CHILD = """
import io, json, sys
from contextlib import redirect_stdout
heavy = {heavy!r}
loaded = lambda: sorted(m for m in heavy if m in sys.modules)
out = {{}}
import icpmap.cli
out["import icpmap.cli"] = loaded()
from icpmap.cli import app
for args in {commands!r}:
    with redirect_stdout(io.StringIO()) as printed:
        code = app(args, standalone_mode=False)
    out[" ".join(args)] = loaded() if code in (None, 0) and printed.getvalue() else ["FAILED", code]
print(json.dumps(out))
"""


def _child(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_cli_loads_nothing_heavy():
    found = _child(CHILD.format(heavy=HEAVY, commands=[]))
    assert found == {"import icpmap.cli": []}


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["queries"], ["reports"], ["schema", "--markdown"],
                                  ["report", "--help"], ["load", "--help"], ["synth", "--help"],
                                  ["profile", "--help"]])
def test_light_commands_load_nothing_heavy(args):
    found = _child(CHILD.format(heavy=HEAVY, commands=[args]))
    assert found[" ".join(args)] == [], found


def test_the_packages_commands_import_are_light():
    """`icpmap.reports` (for `tabular`), `icpmap.graph` and `icpmap.synth` import nothing heavy themselves."""
    code = (f"import sys, json; import icpmap.reports, icpmap.reports.tabular, icpmap.graph, icpmap.synth, icpmap.cypher; "
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    assert _child(code) == []


def test_a_report_with_default_settings_needs_no_pydantic(tmp_path):
    """Settings are checked by pydantic only when they differ from the defaults."""
    code = ("import sys, json; from icpmap.reports import load_settings, ReportSettings; load_settings(); "
            "ReportSettings(); print(json.dumps('pydantic' in sys.modules))")
    assert _child(code) is False


LISTING = """
import io, json, sys
from contextlib import redirect_stdout
from icpmap.cli import app
from icpmap.cli.app import COMMANDS
if {eager!r}:  # every command module imported first: the listing shows the commands' own help
    import importlib
    for lazy in COMMANDS.values():
        importlib.import_module("icpmap.cli." + lazy.module)
with redirect_stdout(io.StringIO()) as printed:
    app(["--help"], standalone_mode=False, prog_name="icpmap")
loaded = sorted(m for m in sys.modules if m.startswith("icpmap.cli.") and m != "icpmap.cli.app")
print(json.dumps({{"help": printed.getvalue(), "modules": loaded}}))
"""


def test_help_lists_every_command_without_importing_them():
    """`icpmap --help` imports no command's module, and lists exactly what the commands' own help says
    (a command whose first help paragraph changed needs its summary in `cli.app.COMMANDS` changed too)."""
    lazy = _child(LISTING.format(eager=False))
    eager = _child(LISTING.format(eager=True))
    assert lazy["modules"] == []
    assert lazy["help"] == eager["help"]
    for name in ("demo", "load", "report", "info", "visualise", "keys"):
        assert f" {name} " in lazy["help"]
    assert " visualize " not in lazy["help"]  # hidden


def test_a_command_imports_its_own_module_only():
    code = ("import io, json, sys; from contextlib import redirect_stdout; from icpmap.cli import app\n"
            "with redirect_stdout(io.StringIO()): app(['queries'], standalone_mode=False)\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('icpmap.cli.'))))")
    assert _child(code) == ["icpmap.cli.app", "icpmap.cli.output", "icpmap.cli.store_cmds"]


# -- the exit: `main` ends the process at once (os._exit) once its output is out -----------------

MAIN = """
import atexit, sys, threading, time
from icpmap.cli import main
{before}
sys.argv = ["icpmap", *{args!r}]
main()
"""


def _main(args: list[str], before: str = "") -> subprocess.CompletedProcess:
    code = MAIN.format(args=args, before=before)
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as a user's shell has it
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120,
                          env=buffered)


def test_the_exit_keeps_every_byte_of_the_output_and_the_exit_code(tmp_path):
    """Through a pipe (block-buffered), what a command prints arrives whole, as with Python's own
    exit: a listing printed by Rich, and Markdown printed in one `print` that stays in the buffer."""
    for args in (["queries"], ["schema", "--markdown"]):
        code = f"from icpmap.cli import app; app({args!r}, prog_name='icpmap')"  # exits through sys.exit
        expected = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                  timeout=120)
        done = _main(args)
        assert done.returncode == 0, done.stderr
        assert len(done.stdout) > 4096 and done.stdout == expected.stdout, args
    refused = _main(["--db", str(tmp_path / "store"), "load", str(tmp_path / "missing.csv")])
    assert refused.returncode == 1
    assert "Nothing was loaded" in refused.stderr and "no such file" in refused.stderr
    wrong = _main(["no-such-command"])
    assert wrong.returncode == 2 and "no-such-command" in wrong.stderr


def test_the_exit_runs_exit_handlers_and_waits_for_running_threads():
    """What a normal exit does still happens: atexit handlers run (temporary folders, worker
    processes), and a thread still at work is waited for (then the exit is the normal one)."""
    handler = "atexit.register(lambda: print('handler ran', flush=True))"
    done = _main(["--version"], before=handler)
    assert done.returncode == 0 and done.stdout.rstrip().endswith("handler ran"), done.stdout
    worker = ("def work():\n    time.sleep(0.5)\n    print('thread finished', flush=True)\n"
              "threading.Thread(target=work).start()")
    done = _main(["--version"], before=worker)
    assert done.returncode == 0 and "thread finished" in done.stdout, done.stdout
