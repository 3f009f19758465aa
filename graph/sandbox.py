"""Confine the process that runs user-written Cypher: the kernel refuses it any new file.

LadybugDB reads a file named in a query while it *prepares* the query (to learn its
columns), before anything can inspect the plan, and its error messages quote lines of the
file. So the worker process that runs analysts' queries (`query_worker`) opens its
database first, then calls `confine()`: a seccomp filter, enforced by the Linux kernel for
every thread of the process, makes each system call that opens, creates, renames, links,
removes or executes a file, or opens a socket, fail with EPERM. Files already open (the
database, the pipe to the parent) keep working; nothing else can be read or written,
whatever the query says. The filter cannot be lifted: no_new_privs is set first, and the
seccomp call itself is refused afterwards.

Only Linux on x86-64 and arm64 (the syscall numbers differ); `supported()` says whether
this machine is one. System calls of another ABI (x32, i386 via int 0x80) are all refused.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct
import sys

# Per architecture: the audit arch value seccomp reports, and the calls to refuse.
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_SECCOMP_NR = {"x86_64": 317, "aarch64": 277}
_COMMON = {  # numbered alike on both (the unified table of newer calls)
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "open_tree": 428,
    "move_mount": 429, "fsopen": 430, "openat2": 437, "fchmodat2": 452,
}
_REFUSED = {
    "x86_64": {
        "open": 2, "openat": 257, "creat": 85, "open_by_handle_at": 304, "name_to_handle_at": 303,
        "execve": 59, "execveat": 322, "socket": 41, "connect": 42, "bind": 49, "ptrace": 101,
        "process_vm_readv": 310, "process_vm_writev": 311, "link": 86, "linkat": 265, "symlink": 88,
        "symlinkat": 266, "unlink": 87, "unlinkat": 263, "rename": 82, "renameat": 264, "renameat2": 316,
        "mkdir": 83, "mkdirat": 258, "rmdir": 84, "mknod": 133, "mknodat": 259, "truncate": 76, "chmod": 90,
        "fchmodat": 268, "chown": 92, "lchown": 94, "fchownat": 260, "mount": 165, "umount2": 166,
        "chroot": 161, "seccomp": 317, **_COMMON,
    },
    "aarch64": {
        "openat": 56, "open_by_handle_at": 265, "name_to_handle_at": 264, "execve": 221, "execveat": 281,
        "socket": 198, "connect": 203, "bind": 200, "ptrace": 117, "process_vm_readv": 270,
        "process_vm_writev": 271, "linkat": 37, "symlinkat": 36, "unlinkat": 35, "renameat": 38,
        "renameat2": 276, "mkdirat": 34, "mknodat": 33, "truncate": 45, "fchmodat": 53, "fchownat": 54,
        "mount": 40, "umount2": 39, "chroot": 51, "seccomp": 277, **_COMMON,
    },
}

_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_ALLOW = 0x7FFF0000
_DENY = 0x00050000 | errno.EPERM  # SECCOMP_RET_ERRNO: the call fails with EPERM
_X32_BIT = 0x40000000
_PR_SET_NO_NEW_PRIVS = 38
_SET_MODE_FILTER, _FLAG_TSYNC = 1, 1


class ConfinementError(RuntimeError):
    """The kernel did not accept the filter: user queries must not run unconfined."""


def supported() -> bool:
    return sys.platform == "linux" and platform.machine() in _REFUSED


def program(machine: str) -> list[tuple[int, int, int, int]]:
    """The BPF program: other ABIs refused, then each refused call, else allowed."""
    refused = sorted(set(_REFUSED[machine].values()))
    n = len(refused)
    prog = [
        (_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (_JEQ_K, 1, 0, _AUDIT_ARCH[machine]),
        (_RET_K, 0, 0, _DENY),
        (_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
        (_JGE_K, n + 1, 0, _X32_BIT),  # x32 calls: to the final DENY
    ]
    prog += [(_JEQ_K, n - i, 0, nr) for i, nr in enumerate(refused)]  # each jumps to the final DENY
    prog += [(_RET_K, 0, 0, _ALLOW), (_RET_K, 0, 0, _DENY)]
    return prog


class _Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def confine() -> None:
    """Install the filter on every thread of this process. Irreversible."""
    if not supported():
        raise ConfinementError(f"no seccomp filter for {sys.platform}/{platform.machine()}")
    machine = platform.machine()
    prog = program(machine)
    code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *ins) for ins in prog))
    fprog = _Fprog(len(prog), ctypes.addressof(code))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise ConfinementError(f"prctl(NO_NEW_PRIVS) failed: errno {ctypes.get_errno()}")
    if libc.syscall(_SECCOMP_NR[machine], _SET_MODE_FILTER, _FLAG_TSYNC, ctypes.byref(fprog)) != 0:
        raise ConfinementError(f"seccomp(SET_MODE_FILTER) failed: errno {ctypes.get_errno()}")
