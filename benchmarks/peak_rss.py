"""A process's own peak resident memory, whoever started it.

Linux carries peak RSS across fork and exec: a forked child's high-water mark starts at its
parent's RSS, and exec keeps the old one in `ru_maxrss`. So `ru_maxrss` (getrusage, or the
rusage wait4 returns) of a child started by a large process (a 2 GB pytest worker) is the
parent's memory, not the child's. Two ways round it:

- `own_peak_mb()`: in the measured process itself, its VmHWM, the peak of its own memory;
- `peak_mb_of(argv)`: for a command that cannot report itself (the real `icpmap` CLI): run it
  from a small launcher (this file, run as a script), whose own RSS is all the child starts
  with; the launcher reports wait4's figure for that child, and its own inherited figure never
  reaches the caller.
"""

from __future__ import annotations

import os
import sys

# ru_maxrss is in kilobytes on Linux, in bytes on macOS
_MAXRSS_PER_MB = 2**20 if sys.platform == "darwin" else 1024


def own_peak_mb() -> float:
    """This process's peak RSS in MB: VmHWM on Linux, `ru_maxrss` where there is no /proc."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / _MAXRSS_PER_MB


def peak_mb_of(argv: list[str], env: dict[str, str] | None = None, cwd: str | os.PathLike[str] | None = None) -> float:
    """Run `argv` to its end through the launcher; its peak RSS in MB (its output is discarded,
    but the end of its stderr is in the error when it fails)."""
    import subprocess
    import tempfile

    read, write = os.pipe()
    try:
        with tempfile.TemporaryFile() as err:
            try:
                launcher = subprocess.Popen([sys.executable, "-I", "-S", __file__, str(write), *argv], pass_fds=(write,),
                                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                            env=env, cwd=cwd)
            finally:
                os.close(write)
            with os.fdopen(read, closefd=False) as report:
                text = report.read()  # the end of the file when the launcher exits: the child has no copy
            launcher.wait()
            err.seek(0)
            stderr = err.read()[-3000:].decode("utf-8", "replace")
    finally:
        os.close(read)
    if launcher.returncode != 0 or not text:
        raise RuntimeError(f"the peak-RSS launcher failed ({launcher.returncode}) running {' '.join(argv)}:\n{stderr}")
    code, maxrss = map(int, text.split())
    if code != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({code}):\n{stderr}")
    return maxrss / _MAXRSS_PER_MB


def _launch(fd: int, argv: list[str]) -> None:
    """The launcher: spawn `argv` (it inherits stdio, not the report's pipe), wait for it, and
    write its exit code and wait4's ru_maxrss (that child and what it reaped, not this process)."""
    os.set_inheritable(fd, False)
    pid = os.posix_spawnp(argv[0], argv, os.environ)
    _, status, usage = os.wait4(pid, 0)
    os.write(fd, f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}\n".encode())
    os.close(fd)


if __name__ == "__main__":  # run as a script (python -I -S peak_rss.py FD ARGV...): the standard library only
    _launch(int(sys.argv[1]), sys.argv[2:])
