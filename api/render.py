"""Responses in the product's output formats (the rules of `icpmap.reports.tabular`)."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Sequence
from typing import Any

from starlette.responses import Response

from ..reports import tabular

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plain_json(value: Any) -> Any:
    """JSON-safe: dates ISO, non-finite floats null, tuples and sets as lists."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain_json(v) for v in value]
    return str(value)


def json_bytes(value: Any) -> bytes:
    return json.dumps(plain_json(value), ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _json_default(value: Any) -> Any:
    """`plain_json`'s rules for what the JSON encoder cannot write itself."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, set):
        return list(value)
    return str(value)


def json_bytes_str_keys(value: Any) -> bytes:
    """`json_bytes` for a value whose mappings have only string keys (a diagram's `to_dict`): the
    encoder walks it itself (a diagram's network is ~1,000 values), the same bytes; a non-finite
    float falls back to `json_bytes` (null)."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                          default=_json_default).encode("utf-8")
    except ValueError:
        return json_bytes(value)


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json_bytes(value), status_code=status, media_type="application/json", headers=headers)


def safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "result"


def table_response(fmt: str, name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Response:
    """A table as JSON (objects), CSV or XLSX; CSV and XLSX as downloads, formula-safe."""
    filename = safe_filename(name)
    if fmt == "csv":
        return Response(tabular.to_csv(columns, rows).encode("utf-8"), media_type=CSV,
                        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})
    if fmt == "xlsx":
        return Response(tabular.xlsx_bytes([(name, columns, rows)]), media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'})
    return json_response({"name": name, "columns": list(columns),
                          "rows": [dict(zip(columns, row)) for row in rows]})
