"""Files that hold people's names are created for their owner only (0600, folders 0700)."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def strict_umask() -> int:
    """Make this process's umask keep group and others out of everything it creates; returns the old one."""
    old = os.umask(0o077)
    os.umask(old | 0o077)
    return old


def private_dir(path: Path) -> Path:
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    os.chmod(path, PRIVATE_DIR)
    return path


def private_copy(source: Path, target: Path, *, sync: bool = False) -> None:
    """Copy `source` to a new file `target` that only the owner can read (replaced if present)."""
    target.unlink(missing_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        with open(source, "rb") as src, os.fdopen(fd, "wb", closefd=False) as dst:
            shutil.copyfileobj(src, dst, 4 * 1024 * 1024)
            dst.flush()
            if sync:
                os.fsync(fd)
    finally:
        os.close(fd)


def tighten(paths: Iterable[Path | str]) -> None:
    """Take group and other permissions off these files (those that exist)."""
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except OSError:
            continue
        if stat.S_ISREG(mode) and mode & 0o077:
            try:
                os.chmod(path, stat.S_IMODE(mode) & 0o700)
            except OSError:
                pass
