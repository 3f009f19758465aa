"""The benchmarks' peak memory is the measured process's own, even when a large process starts it.

Linux carries peak RSS across fork and exec, so a child of a 2 GB pytest worker reported 2 GB
by `ru_maxrss` (benchmarks/peak_rss.py). Here a parent first makes 1.5 GB of its memory
resident, then measures trivial children the ways the benchmarks do.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.peak_rss import peak_mb_of

ROOT = Path(__file__).resolve().parents[1]
PARENT_MB = 1536

# The large parent: bench_load's child (the registrations load, via own_peak_mb) and bench_cli's
# measurement of a real `icpmap` process (via the launcher), beside what wait4 says of a
# directly started child (the old measurement, which counts the parent).
LARGE_PARENT = f"""
import json, os, subprocess, sys
from pathlib import Path
from benchmarks import bench_cli, bench_load
from benchmarks.peak_rss import own_peak_mb, peak_mb_of

ballast = bytearray({PARENT_MB} * 2**20)
for i in range(0, len(ballast), 4096):
    ballast[i] = 1  # resident, not only reserved
folder = Path(sys.argv[1])
data = bench_load.generate(folder, rows=300, practices=20, areas=60)
direct = subprocess.Popen([sys.executable, "-c", "pass"])
_, _, usage = os.wait4(direct.pid, 0)
direct.returncode = 0
print(json.dumps({{
    "parent_mb": own_peak_mb(),
    "direct_wait4_mb": usage.ru_maxrss / 1024,
    "load": bench_load.load_in_child(folder / "db", data),
    "cli_mb": bench_cli._rss_mb([*bench_cli.icpmap(), "--help"]),
    "pass_mb": peak_mb_of([sys.executable, "-c", "pass"]),
}}))
"""


def test_peaks_under_a_large_parent_are_the_childs_own(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", LARGE_PARENT, str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["parent_mb"] > PARENT_MB
    if sys.platform == "linux":  # what made the old figures wrong: the parent's memory, by the child's name
        assert got["direct_wait4_mb"] > PARENT_MB, got
    assert got["load"]["registers"] == 300
    assert got["load"]["rss_mb"] < PARENT_MB / 2, got  # bench_load's child: a 300-row load (about 200 MB)
    assert got["cli_mb"] < 200, got  # bench_cli's measurement of a real icpmap process
    assert got["pass_mb"] < 100, got


def test_the_launcher_measures_the_child_and_reports_its_failure() -> None:
    """It is the child's memory that is measured (not the launcher's), and a failing command is an error
    with its message."""
    grow = "b = bytearray(300 * 2**20)\nfor i in range(0, len(b), 4096): b[i] = 1"
    assert 300 < peak_mb_of([sys.executable, "-c", grow]) < 400
    with pytest.raises(RuntimeError, match=r"failed \(3\):\n.*went wrong"):
        peak_mb_of([sys.executable, "-c", "import sys; print('went wrong', file=sys.stderr); sys.exit(3)"])
