"""The JSON API: health, Places, and read-only Cypher."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from .. import __version__
from ..graph import Store
from ..reports import tabular
from . import data
from .auth import Principal
from .deps import analyst, get_store, settings, viewer
from .errors import Problem
from .render import CSV, json_bytes, json_response

router = APIRouter()

PLACE_CODE = r"^[A-Za-z0-9_.-]{1,64}$"
PlaceCode = Annotated[str, Path(description="The Place's ONS code, e.g. E08000014.", pattern=PLACE_CODE,
                                max_length=64)]

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No API key, or a key that is not valid.", "content": {"application/problem+json": {}}},
    403: {"description": "The key's role may not do this.", "content": {"application/problem+json": {}}},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such Place.",
                                                    "content": {"application/problem+json": {}}}}


# -- models (the OpenAPI schema) ------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    engine: str


class PlaceSummary(BaseModel):
    place_code: str
    place_name: str | None
    ics_code: str | None
    neighbourhoods: int
    practices: int
    boards: int


class BoardOut(BaseModel):
    code: str
    name: str | None
    kind: str | None


class MemberOut(BaseModel):
    organisation_code: str
    organisation_name: str | None
    sector: str | None
    statutory: bool
    role: str
    boards: int


class NeighbourhoodOut(BaseModel):
    code: str
    name: str | None
    pcn_codes: list[str]


class AgreementOut(BaseModel):
    code: str
    title: str | None
    kind: str | None
    effective_from: dt.date | None
    parties: int
    signed: int


class PersonRoleOut(BaseModel):
    person_id: str
    name: str | None = Field(description="Personal data: only ever sent to callers with a valid key.")
    role_title: str | None
    role: str | None
    from_: dt.date | None = Field(alias="from")
    organisation_code: str | None

    model_config = ConfigDict(populate_by_name=True)


class PlaceDetail(BaseModel):
    code: str
    name: str | None
    ics_code: str | None
    ics_name: str | None
    boards: list[BoardOut]
    members: list[MemberOut]
    neighbourhoods: list[NeighbourhoodOut]
    agreements: list[AgreementOut]
    people: list[PersonRoleOut]


class QueryIn(BaseModel):
    """A read-only Cypher query. Writes, file access and transaction control are refused."""

    model_config = ConfigDict(extra="forbid")
    cypher: str = Field(min_length=1, max_length=100_000, description="One read-only Cypher statement.")
    params: dict[str, Any] = Field(default_factory=dict, description="Query parameters ($name), JSON values.")
    max_rows: int = Field(1000, ge=1, le=10_000, description="Rows returned at most (the rest are cut).")
    timeout_s: float = Field(10.0, gt=0, le=60, description="The query is stopped after this many seconds.")
    format: Literal["json", "csv"] = "json"


class QueryOut(BaseModel):
    columns: list[str]
    rows: list[list[Any]]
    row_count: int = Field(description="Rows returned here (after the cap).")
    truncated: bool = Field(description="True when the query gave more rows than max_rows.")


# -- routes ------------------------------------------------------------------------------------


@router.get("/health", response_model=Health, tags=["service"], summary="Is the service up?")
async def health(request: Request) -> Response:
    """No key needed; says nothing about the data."""
    store = getattr(request.app.state, "store", None)
    engine = store.engine if store is not None else "starting"
    return json_response({"status": "ok", "version": __version__, "engine": engine})


@router.get("/places", response_model=list[PlaceSummary], tags=["places"], responses=ERRORS,
            summary="Every Place")
async def list_places(request: Request, ics: str | None = Query(None, pattern=r"^[A-Za-z0-9]{1,16}$",
                                                                 description="Only this ICS's Places (its ODS code)."),
                      _: Principal = Depends(viewer), store: Store = Depends(get_store)) -> Response:
    cache: data.Cache = request.app.state.cache
    body = await cache.aget(("places", ics), lambda: json_bytes(data.places(store, ics)))
    return Response(body, media_type="application/json")


@router.get("/places/{code}", response_model=PlaceDetail, tags=["places"], responses={**ERRORS, **NOT_FOUND},
            summary="One Place: ICS, boards, partnership members, neighbourhoods, agreements, people")
async def get_place(code: PlaceCode, request: Request, _: Principal = Depends(viewer),
                    store: Store = Depends(get_store)) -> Response:
    cache: data.Cache = request.app.state.cache

    def compute() -> bytes | None:
        detail = data.place_detail(store, code)
        return None if detail is None else json_bytes(detail)

    body = await cache.aget(("place", code), compute)
    if body is None:
        raise Problem(404, f"No Place has the code {code!r}.")
    return Response(body, media_type="application/json")


_INT64 = (-(2**63), 2**63 - 1)


def _check_param(name: str, value: Any, depth: int = 0) -> None:
    """Parameters are plain JSON values the engines take: refuse what they cannot."""
    where = f"Parameter {name!r}"
    if depth > 8:
        raise Problem(400, f"{where} is nested too deeply.")
    if value is None or isinstance(value, (str, bool)):
        return
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise Problem(400, f"{where} is an integer outside the 64-bit range.")
        return
    if isinstance(value, float):
        return
    if isinstance(value, list):
        kinds = {type(v) for v in value}
        if not value or None in value or len(kinds) > 1 or kinds == {dict}:
            raise Problem(400, f"{where}: a list parameter needs one or more values of one type, none of them null "
                               "and none of them maps.")
        for v in value:
            _check_param(name, v, depth + 1)
        return
    if isinstance(value, dict):
        if not value or any(not k or v is None for k, v in value.items()):
            raise Problem(400, f"{where}: a map parameter needs named entries with non-null values.")
        for v in value.values():
            _check_param(name, v, depth + 1)
        return
    raise Problem(400, f"{where} has a type the query engine does not take.")


@router.post("/query", response_model=QueryOut, tags=["query"],
             responses={**ERRORS, 400: {"description": "The query or a parameter is not valid.",
                                        "content": {"application/problem+json": {}}},
                        200: {"content": {"application/json": {}, "text/csv": {}}}},
             summary="Run read-only Cypher (analyst)")
def run_query(body: QueryIn, request: Request, _: Principal = Depends(analyst),
              store: Store = Depends(get_store)) -> Response:
    """Runs one read-only statement with parameters, a row cap and a timeout. Writes are refused (403)."""
    conf = settings(request)
    for name, value in body.params.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,63}", name):
            raise Problem(400, f"Parameter names are letters, digits and _; got {name!r}.")
        _check_param(name, value)
    timeout = min(body.timeout_s, conf.max_query_timeout_s)
    cap = min(body.max_rows, conf.max_query_rows)
    try:
        result = store.user_query(body.cypher, body.params, timeout=timeout, max_rows=cap)
    except (ValueError, TypeError, OverflowError) as exc:
        raise Problem(400, f"The engine could not take the parameters: {type(exc).__name__}.") from None
    rows, truncated = result.rows, result.truncated
    if body.format == "csv":
        headers = {"X-Truncated": "true" if truncated else "false", "Content-Disposition":
                   'attachment; filename="query.csv"'}
        return Response(tabular.to_csv(result.columns, rows).encode("utf-8"), media_type=CSV, headers=headers)
    return json_response({"columns": result.columns, "rows": rows, "row_count": len(rows), "truncated": truncated})
