"""The web service: `create_app()` builds it; `icpmap serve` runs it with uvicorn.

The store is opened once, when the service starts (or passed in, as the tests do), and
shared by every request: reads run concurrently on per-thread connections in the
threadpool, writes (loads) are serialised by the store.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .. import __version__
from ..graph import Store, open_store
from . import auth, crosssite, errors
from .auth import KeyFile
from .crosssite import CrossSiteMiddleware
from .data import Cache
from .deps import Settings
from .security import EdgeMiddleware

HERE = Path(__file__).parent
UPLOAD_PATHS = ("/loads", "/dashboard/upload")
DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024

DESCRIPTION = """\
Integrated care partnerships as a graph: Places, their partnerships, agreements,
footprints and assurance.

**Access.** Send an API key as `Authorization: Bearer <key>` or `X-API-Key: <key>`.
Roles: *viewer* (Places, diagrams, reports), *analyst* (+ `POST /query`), *admin*
(+ `POST /loads`, `GET /loads`). Without a key: 401; with too small a role: 403.
Errors are RFC 9457 problem details (`application/problem+json`).
"""


def audit_path(location: str | None = None) -> Path:
    """Where the load audit is (`icpmap.safety.audit.default_path`): shared with the CLI."""
    from ..safety.audit import default_path

    return default_path(location)


def create_app(
    store: Store | None = None,
    *,
    db: str | os.PathLike[str] | None = None,
    keys_path: str | os.PathLike[str] | None = None,
    audit: str | os.PathLike[str] | None = None,
    allow_anonymous: bool = False,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    max_upload_rows: int = 2_000_000,
    max_query_rows: int = 10_000,
    cache_ttl_s: float | None = None,
    cache: bool = True,
    allowed_hosts: Sequence[str] = (),
) -> FastAPI:
    """Build the service.

    `store`: an open store to share (it stays open afterwards); else the configured store
    (`db`, `ICPMAP_DB` or Neo4j) is opened at start-up and closed at shutdown.
    `allow_anonymous`: callers without a key act as the local admin while no active key
    exists (single-user mode; `icpmap serve` allows it only on a loopback address).
    """
    owned = store is None
    location = store.location if store is not None else None
    if location is None and db is not None:
        from ..graph.config import resolve_db_path

        location = str(resolve_db_path(db).resolve())
    key_file = Path(keys_path) if keys_path else auth.keys_path(db, location)
    is_neo4j = (store is not None and store.engine != "ladybug") or (store is None and _neo4j_configured())
    settings = Settings(
        keys=KeyFile(key_file),
        audit_path=Path(audit) if audit else audit_path(location),
        allow_anonymous=allow_anonymous,
        max_upload_bytes=max_upload_bytes,
        max_upload_rows=max_upload_rows,
        max_query_rows=max_query_rows,
        cache_ttl_s=cache_ttl_s if cache_ttl_s is not None else (10.0 if is_neo4j else None),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from starlette.concurrency import run_in_threadpool

        if owned:
            app.state.store = await run_in_threadpool(open_store, db)
        pool = getattr(app.state.store, "query_pool", None)
        if pool is not None:  # user queries run in worker processes: start them now, not at the first query
            await run_in_threadpool(lambda: pool().warm())
        try:
            yield
        finally:
            if owned and getattr(app.state, "store", None) is not None:
                app.state.store.close()
                app.state.store = None

    app = FastAPI(
        title="icpmap",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # /docs is our own page: Swagger UI would load scripts from a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.store = store
    app.state.cache = Cache(settings.cache_ttl_s, enabled=cache, concurrency=_computing_limit(is_neo4j))

    errors.install(app)
    from . import pages, routes_api, routes_loads, routes_maps, routes_papers, routes_reports

    app.include_router(routes_api.router)
    app.include_router(routes_reports.router)
    app.include_router(routes_maps.router)
    app.include_router(routes_papers.router)
    app.include_router(routes_loads.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(CrossSiteMiddleware)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=crosssite.allowed_hosts(allowed_hosts))
    app.add_middleware(EdgeMiddleware, upload_paths=UPLOAD_PATHS, upload_limit=max_upload_bytes)
    return app


def run_server(application: FastAPI, host: str, port: int, log_level: str = "info") -> None:
    """Serve `application` under uvicorn as `icpmap serve` does: one process, its access log at
    `info`. The API benchmarks run it through here too, so they measure what users get."""
    import uvicorn

    uvicorn.run(application, host=host, port=port, log_level=log_level, proxy_headers=False,
                server_header=False, date_header=True)


def _computing_limit(is_neo4j: bool) -> int | None:
    """How many answers the service computes at once; the rest wait, in order of arrival.

    The embedded engine runs in this process with a few read connections (`READERS`): more
    requests than that in the threadpool at once only wait there for a connection, contend
    for the GIL, and may overtake each other (a 32-client run's p95). Neo4j works elsewhere:
    its reads are left to the threadpool."""
    if is_neo4j:
        return None
    from ..graph.ladybug_store import READERS

    return READERS


def _neo4j_configured() -> bool:
    from ..graph.config import Neo4jSettings

    return Neo4jSettings.from_env() is not None
