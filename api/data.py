"""What the API and the dashboard read from the store (plain values, shared by both).

Also a small cache of finished answers. On the embedded store only this process can
write, and it writes only through a load, so answers stay valid until the next load
(the cache's generation moves on). On Neo4j other clients may write: entries expire.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from .. import cypher
from ..graph import Store

T = TypeVar("T")
MISSING = object()


class Cache:
    """Finished answers by key. `concurrency` caps the misses `aget` computes at once (None: the
    threadpool's own limit); the rest wait their turn in the event loop, first come first served."""

    def __init__(self, ttl_s: float | None = None, max_entries: int = 512, enabled: bool = True,
                 concurrency: int | None = None) -> None:
        self.enabled = enabled
        self.concurrency = concurrency
        self._loop_limiter: tuple[int, Any] | None = None  # (id of its event loop, limiter): anyio's is bound to one loop
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.generation = 0
        self._items: dict[Any, tuple[int, float, Any]] = {}
        self._computing: dict[Any, threading.Lock] = {}
        self._lock = threading.Lock()

    def peek(self, key: Any) -> Any:
        """The cached answer, or `MISSING` (cheap: for the event loop, before a threadpool hop)."""
        hit = self._items.get(key) if self.enabled else None
        if hit is not None and hit[0] == self.generation and (
                self.ttl_s is None or time.monotonic() - hit[1] < self.ttl_s):
            return hit[2]
        return MISSING

    async def aget(self, key: Any, compute: Callable[[], T]) -> T:
        """`get` from async code: a hit is answered at once, a miss computed in the threadpool."""
        hit = self.peek(key)
        if hit is not MISSING:
            return hit
        import anyio.to_thread

        return await anyio.to_thread.run_sync(self.get, key, compute, limiter=self._limiter())

    def _limiter(self) -> Any:
        """The limiter of the running event loop (None: the threadpool's default)."""
        if self.concurrency is None:
            return None
        import asyncio

        import anyio

        loop = id(asyncio.get_running_loop())
        if self._loop_limiter is None or self._loop_limiter[0] != loop:  # the first loop, or a new one
            self._loop_limiter = (loop, anyio.CapacityLimiter(self.concurrency))
        return self._loop_limiter[1]

    def get(self, key: Any, compute: Callable[[], T]) -> T:
        """The answer for `key`, computing it once however many callers ask at the same time."""
        if not self.enabled:
            return compute()
        hit = self.peek(key)
        if hit is not MISSING:
            return hit
        with self._lock:
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            hit = self.peek(key)  # another caller may have just computed it
            if hit is not MISSING:
                return hit
            generation, now = self.generation, time.monotonic()
            value = compute()
            with self._lock:
                if len(self._items) >= self.max_entries:
                    self._items.clear()
                if generation == self.generation:
                    self._items[key] = (generation, now, value)
                self._computing.pop(key, None)
            return value

    def invalidate(self) -> None:
        with self._lock:
            self.generation += 1
            self._items.clear()


def records(store: Store, text: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return store.read(text, params or {}).records()


def places(store: Store, ics: str | None = None) -> list[dict[str, Any]]:
    """Every Place, or (with `ics`) the Places of that ICS."""
    q = cypher.get("places")
    found = store.read(q.text, q.bind({})).records()
    if ics is None:
        return found
    return [p for p in found if str(p.get("ics_code") or "").upper() == ics.upper()]


def ics_list(store: Store) -> list[dict[str, Any]]:
    """Every ICS that has Places, with its name (the ICS packs the overview offers)."""
    return records(store, """
        MATCH (p:Place)-[:PART_OF]->(i:ICS)
        RETURN i.code AS code, i.name AS name, count(p) AS places ORDER BY code""")


def place_exists(store: Store, code: str) -> dict[str, Any] | None:
    rows = records(store, "MATCH (p:Place {code: $code}) RETURN p.code AS code, p.name AS name", {"code": code})
    return rows[0] if rows else None


def place_detail(store: Store, code: str, as_at: dt.date | None = None) -> dict[str, Any] | None:
    """A Place with its ICS, boards, members, neighbourhoods, agreements and people, as at a date."""
    as_at = as_at or dt.date.today()
    head = records(store, """
        MATCH (p:Place {code: $code})
        OPTIONAL MATCH (p)-[:PART_OF]->(i:ICS)
        RETURN p.code AS code, p.name AS name, i.code AS ics_code, i.name AS ics_name""", {"code": code})
    if not head:
        return None
    detail = dict(head[0])
    detail["boards"] = records(store, """
        MATCH (b:Board)-[:SERVES]->(p:Place {code: $code})
        RETURN b.code AS code, b.name AS name, b.kind AS kind ORDER BY code""", {"code": code})
    members = cypher.get("place-members")
    detail["members"] = store.read(members.text, members.bind({"place": code, "as_at": as_at})).records()
    neighbourhoods = records(store, """
        MATCH (n:Neighbourhood)-[:PART_OF]->(p:Place {code: $code})
        WHERE n.`from` IS NULL OR n.`from` <= $as_at
        OPTIONAL MATCH (pcn:PCN)-[:LEADS]->(n)
        RETURN n.code AS code, n.name AS name, collect(pcn.code) AS pcn_codes ORDER BY code""",
        {"code": code, "as_at": as_at})
    for n in neighbourhoods:
        n["pcn_codes"] = sorted(c for c in n["pcn_codes"] or [] if c)
    detail["neighbourhoods"] = neighbourhoods
    agreements = records(store, """
        MATCH (a:Agreement)-[:`FOR`]->(p:Place {code: $code})
        OPTIONAL MATCH (o:Organisation)-[s:PARTY_TO]->(a)
        WHERE s.added_on IS NULL OR s.added_on <= $as_at
        RETURN a.code AS code, a.title AS title, a.kind AS kind, a.effective_from AS effective_from,
               count(o) AS parties, count(CASE WHEN s.signed_on <= $as_at THEN 1 END) AS signed
        ORDER BY code""", {"code": code, "as_at": as_at})
    detail["agreements"] = agreements
    detail["people"] = records(store, """
        MATCH (x:Person)-[h:HOLDS]->(p:Place {code: $code})
        WHERE (h.`from` IS NULL OR h.`from` <= $as_at) AND (h.`to` IS NULL OR h.`to` >= $as_at)
        OPTIONAL MATCH (x)-[:WORKS_FOR]->(o:Organisation)
        RETURN x.id AS person_id, x.name AS name, x.role_title AS role_title, h.role AS role, h.`from` AS `from`,
               o.code AS organisation_code
        ORDER BY role, `from`, person_id""", {"code": code, "as_at": as_at})
    return detail
