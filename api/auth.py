"""API keys and roles.

A key is `icp-<id>-<secret>`: the id names the record, the secret is 256 random bits.
The key file (JSON, mode 0600) keeps only a salted SHA-256 of the secret, with the
key's name, role, creation time and revocation time. The file lives beside the store
(`<store>.keys.json`), or where `ICPMAP_KEYS` says. The service re-reads it when it
changes, so `icpmap keys create/revoke` take effect on a running service at once.

Roles are ordered: viewer < analyst < admin.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import UserError

ROLES = ("viewer", "analyst", "admin")
RANK = {role: i for i, role in enumerate(ROLES, start=1)}
KEY_PREFIX = "icp"
_NAME_OK = re.compile(r"^[\w .@'()+-]{1,64}$")


class KeyFileError(UserError):
    """A problem with a key command or the key file."""


def keys_path(db: str | os.PathLike[str] | None = None, location: str | None = None) -> Path:
    """Where the key file is: `ICPMAP_KEYS`, else beside the embedded store, else the data dir (Neo4j)."""
    env = os.environ.get("ICPMAP_KEYS", "").strip()
    if env:
        return Path(env).expanduser()
    from ..graph.config import beside_store

    return beside_store(".keys.json", db, location)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class KeyRecord:
    id: str
    name: str
    role: str
    created: str
    revoked: str | None
    salt: str
    hash: str

    @property
    def active(self) -> bool:
        return self.revoked is None

    def public(self) -> dict[str, str | None]:
        """What may be shown: never the salt or hash."""
        return {"id": self.id, "name": self.name, "role": self.role, "created": self.created, "revoked": self.revoked}


@dataclass(frozen=True)
class Principal:
    """Who is calling: a key's name and role, or the local user in single-user mode."""

    name: str
    role: str
    key_id: str | None = None
    via: str = "key"  # key | cookie | local

    def can(self, role: str) -> bool:
        return RANK[self.role] >= RANK[role]


LOCAL_USER = Principal(name="local user", role="admin", key_id=None, via="local")


class KeyFile:
    """The key file: read (cached by modification time), create, revoke, verify."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._records: dict[str, KeyRecord] = {}

    # -- reading ---------------------------------------------------------------------

    def _stat(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _load(self) -> dict[str, KeyRecord]:
        stamp = self._stat()
        if stamp == self._stamp and (stamp is not None or not self._records):
            return self._records
        with self._lock:
            if stamp is None:
                records: dict[str, KeyRecord] = {}
            else:
                try:
                    data = json.loads(self.path.read_text(encoding="utf-8"))
                    records = {r["id"]: KeyRecord(**r) for r in data.get("keys", [])}
                except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
                    raise KeyFileError(f"The key file {self.path} cannot be read ({type(exc).__name__}); "
                                    "fix or remove it.") from None
            self._records, self._stamp = records, stamp
            return records

    def records(self) -> list[KeyRecord]:
        return sorted(self._load().values(), key=lambda r: (r.created, r.id))

    def has_active(self) -> bool:
        return any(r.active for r in self._load().values())

    def active_record(self, key_id: str) -> KeyRecord | None:
        """The record with this id while it is not revoked (a dashboard session's key)."""
        record = self._load().get(key_id)
        return record if record is not None and record.active else None

    def verify(self, key: str) -> KeyRecord | None:
        """The active record this key belongs to, or None. Constant time in the secret."""
        parts = key.strip().split("-", 2)
        records = self._load()
        record = records.get(parts[1]) if len(parts) == 3 and parts[0] == KEY_PREFIX else None
        if record is None:
            hmac.compare_digest(_digest("00" * 16, key), "0" * 64)  # same work either way
            return None
        if not hmac.compare_digest(_digest(record.salt, parts[2]), record.hash):
            return None
        return record if record.active else None

    # -- writing (the CLI) --------------------------------------------------------------

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        from ..graph import portable

        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a") as lock_file:
            portable.lock(lock_file.fileno(), wait=True)
            try:
                self._stamp = None  # re-read under the lock
                yield
            finally:
                portable.unlock(lock_file.fileno())

    def _save(self, records: dict[str, KeyRecord]) -> None:
        payload = {"version": 1, "keys": [asdict(r) for r in sorted(records.values(), key=lambda r: r.created)]}
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(payload, out, indent=2)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)
        self._stamp = None

    def create(self, name: str, role: str) -> tuple[KeyRecord, str]:
        """Make a key; returns its record and the key itself (shown once, never stored)."""
        name = name.strip()
        if role not in RANK:
            raise KeyFileError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")
        if not _NAME_OK.match(name):
            raise KeyFileError("A key name is 1 to 64 letters, digits, spaces or . @ ' ( ) + - _ characters.")
        with self._exclusive():
            records = dict(self._load())
            if any(r.active and r.name == name for r in records.values()):
                raise KeyFileError(f"An active key is already named {name!r}; choose another name or revoke it first.")
            key_id = secrets.token_hex(4)
            while key_id in records:
                key_id = secrets.token_hex(4)
            secret = secrets.token_urlsafe(32)
            salt = secrets.token_hex(16)
            record = KeyRecord(key_id, name, role, _now(), None, salt, _digest(salt, secret))
            records[key_id] = record
            self._save(records)
        return record, f"{KEY_PREFIX}-{key_id}-{secret}"

    def revoke(self, name_or_id: str) -> list[KeyRecord]:
        """Revoke the active key with this id, or every active key with this name."""
        target = name_or_id.strip()
        with self._exclusive():
            records = dict(self._load())
            hits = [r for r in records.values() if r.active and (r.id == target or r.name == target)]
            if not hits:
                raise KeyFileError(f"No active key has the name or id {target!r}; `icpmap keys list` shows them.")
            now = _now()
            for r in hits:
                records[r.id] = KeyRecord(r.id, r.name, r.role, r.created, now, r.salt, r.hash)
            self._save(records)
            return [records[r.id] for r in hits]
