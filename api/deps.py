"""What every route shares: the service settings, the store, and who is calling."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request

from ..graph import Store
from .auth import LOCAL_USER, RANK, KeyFile, Principal
from .crosssite import SAFE_METHODS, UNKNOWN, source_matches
from .errors import LoginRequired, Problem
from .sessions import Sessions

COOKIE = "icpmap_session"


@dataclass
class Settings:
    keys: KeyFile
    audit_path: Path
    allow_anonymous: bool = False
    max_upload_bytes: int = 50 * 1024 * 1024
    max_upload_rows: int = 2_000_000
    max_query_rows: int = 10_000
    max_query_timeout_s: float = 60.0
    dashboard_query_timeout_s: float = 30.0
    cache_ttl_s: float | None = None  # None: until the next load through this service
    sessions: Sessions = field(default_factory=Sessions)
    extra: dict[str, Any] = field(default_factory=dict)


async def settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_store(request: Request) -> Store:
    store = getattr(request.app.state, "store", None)
    if store is None:
        raise Problem(503, "The store is not open yet; try again in a moment.", headers={"Retry-After": "2"})
    return store


def presented_key(request: Request) -> tuple[str | None, str]:
    """The key sent with the request (a header), or the dashboard's session id (its cookie)."""
    auth = request.headers.get("authorization")
    if auth:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip(), "key"
    header = request.headers.get("x-api-key")
    if header:
        return header.strip(), "key"
    cookie = request.cookies.get(COOKIE)
    if cookie:
        return cookie, "cookie"
    return None, "none"


def caller(request: Request) -> Principal | None:
    """Who is calling, or None. A key that is wrong or revoked is refused outright."""
    cached = request.scope.get("icpmap.principal", False)
    if cached is not False:
        return cached
    conf = settings(request)
    key, via = presented_key(request)
    principal: Principal | None
    if key is not None:
        if via == "cookie":  # a session id: its key must still be active
            key_id = conf.sessions.key_id(key)
            record = conf.keys.active_record(key_id) if key_id is not None else None
        else:
            record = conf.keys.verify(key)
        if record is None:
            if via == "cookie":  # an ended, expired or revoked session: treat as signed out
                principal = LOCAL_USER if conf.allow_anonymous and not conf.keys.has_active() else None
                request.scope["icpmap.principal"] = principal
                return principal
            raise Problem(401, "The API key is not valid, or has been revoked.",
                          headers={"WWW-Authenticate": 'Bearer realm="icpmap", error="invalid_token"'})
        principal = Principal(record.name, record.role, record.id, via)
    elif conf.allow_anonymous and not conf.keys.has_active():
        principal = LOCAL_USER
    else:
        principal = None
    request.scope["icpmap.principal"] = principal
    return principal


def require(role: str, *, page: bool = False) -> Callable[[Request], Coroutine[Any, Any, Principal]]:
    """A dependency: the caller must hold `role` or better. `page=True` sends browsers to /login."""
    if role not in RANK:
        raise ValueError(role)

    async def dependency(request: Request) -> Principal:
        principal = caller(request)
        if principal is None:
            if page:
                raise LoginRequired()
            raise Problem(401, "This needs an API key: send `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                          headers={"WWW-Authenticate": 'Bearer realm="icpmap"'})
        if not principal.can(role):
            raise Problem(403, f"This needs the {role} role; your key ({principal.name}) is a {principal.role} key.")
        if (principal.via != "key" and request.method not in SAFE_METHODS
                and source_matches(request.headers) is not True):  # a browser's, or anyone's: see crosssite.py
            raise Problem(403, UNKNOWN)
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency


viewer = require("viewer")
analyst = require("analyst")
admin = require("admin")
page_viewer = require("viewer", page=True)
page_analyst = require("analyst", page=True)
page_admin = require("admin", page=True)
