"""What differs between operating systems, in one place: file locks and a process's memory.

icpmap is developed and tested on Linux. The rest of the code calls these helpers instead of
`fcntl` or `/proc`, so that it imports and runs on Windows and macOS too:

- `lock(fd, shared=, wait=)` / `unlock(fd)`: an advisory lock on an open file. POSIX: `flock`
  (shared or exclusive; converting a held lock is allowed). Windows: `msvcrt.locking` on the
  file's first byte, which has no shared mode, so a shared lock is taken exclusively there
  (one process at a time holds the embedded store).
- `rss_mb(pid)`: a process's resident memory, from `/proc` on Linux, else through psutil
  (a dependency on other systems only).
"""

from __future__ import annotations

import os
import sys

WINDOWS = sys.platform == "win32"


class LockHeld(BlockingIOError):
    """Another process holds the lock (raised only when `wait` is false)."""


def lock(fd: int, *, shared: bool = False, wait: bool = False) -> None:
    """Lock the open file `fd`; without `wait`, raise `LockHeld` at once if another process holds it."""
    if WINDOWS:  # pragma: no cover - not run on the Linux CI
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            raise LockHeld(str(exc)) from None
        return
    import fcntl

    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        raise LockHeld(f"file descriptor {fd} is locked by another process") from None


def unlock(fd: int) -> None:
    if WINDOWS:  # pragma: no cover
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def rss_mb(pid: int) -> float:
    """Resident memory of process `pid` in MB (0.0 when it has gone)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is a dependency wherever /proc is missing
        return 0.0
    try:
        return psutil.Process(pid).memory_info().rss / (1024 * 1024)
    except psutil.Error:
        return 0.0


__all__ = ["WINDOWS", "LockHeld", "lock", "rss_mb", "unlock"]
