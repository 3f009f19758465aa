"""Dashboard sessions: the cookie holds a random session id, never the API key.

The id (256 random bits) maps, in this process's memory, to the key it was signed in
with and an expiry. Only a SHA-256 of the id is kept, so a memory dump shows no live
cookie. A session ends at sign-out, at its expiry (`SESSION_TTL_S`), when its key is
revoked (checked on every request), or when the service restarts.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

SESSION_TTL_S = 12 * 3600
MAX_SESSIONS = 10_000  # the oldest go first: a key holder signing in in a loop cannot fill memory


@dataclass(frozen=True)
class Session:
    key_id: str
    expires: float


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class Sessions:
    def __init__(self, ttl_s: float = SESSION_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def create(self, key_id: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[_digest(token)] = Session(key_id, time.monotonic() + self.ttl_s)
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return token

    def key_id(self, token: str) -> str | None:
        """The key id of a live session, or None (unknown, ended or expired)."""
        digest = _digest(token)
        with self._lock:
            session = self._sessions.get(digest)
            if session is None:
                return None
            if session.expires <= time.monotonic():
                del self._sessions[digest]
                return None
            return session.key_id

    def end(self, token: str) -> None:
        with self._lock:
            self._sessions.pop(_digest(token), None)

    def __len__(self) -> int:
        return len(self._sessions)
