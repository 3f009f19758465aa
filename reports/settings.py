"""The settings a user can change: expected lists and thresholds of the reports.

Defaults are the issue's definitions. A TOML file named by `ICPMAP_SETTINGS` overrides
them in its `[reports]` table, for example:

    [reports]
    expected_sectors = ["local_authority", "nhs_trust", "primary_care", "housing", "voluntary", "police", "fire"]
    coterminosity_threshold = 0.9

Command-line options (`--threshold`) beat the file, which beats the defaults.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..graph.model import VOCABULARIES

SETTINGS_ENV = "ICPMAP_SETTINGS"


class SettingsError(UserError, ValueError):
    """The settings file is missing, unreadable, or holds a value that does not fit."""


def _check_vocabulary(values: list[str], vocabulary: str) -> list[str]:
    allowed = VOCABULARIES[vocabulary]
    cleaned = []
    for value in values:
        v = str(value).strip().lower().replace(" ", "_").replace("-", "_")
        if v not in allowed:
            raise ValueError(f"{value!r} is not one of: {', '.join(allowed)}")
        if v not in cleaned:
            cleaned.append(v)
    return cleaned


def _about(description: str, **limits: float) -> dict[str, Any]:
    """A field's metadata: what it is for, and its bounds (`gt`, `ge`, `le`) for the checker."""
    return {"description": description, **limits}


VOCABULARY_OF = {
    "expected_sectors": "sector", "beyond_health_sectors": "sector",
    "expected_link_kinds": "board_kind", "timeline_agreement_kinds": "agreement_kind",
}


@dataclass(frozen=True)
class ReportSettings:
    """What the reports expect. Every field has the issue's default.

    A plain dataclass, checked by pydantic only when a value differs from its default: the
    defaults are known good, and a report in a new process then never imports pydantic."""

    expected_sectors: list[str] = field(
        default_factory=lambda: ["local_authority", "nhs_trust", "primary_care", "housing", "voluntary", "police"],
        metadata=_about("breadth: sectors every partnership should include (missing_sectors lists the absent ones)."),
    )
    beyond_health_sectors: list[str] = field(
        default_factory=lambda: ["housing", "voluntary", "police"],
        metadata=_about("assurance feature 1: a partnership needs at least one member of one of these sectors."),
    )
    expected_link_kinds: list[str] = field(
        default_factory=lambda: [
            "health_and_wellbeing_board", "safeguarding_adults_board", "safeguarding_children_partnership",
            "community_safety_partnership", "local_enterprise_partnership",
        ],
        metadata=_about("missing-links: kinds of board every ICP board should be linked with."),
    )
    coterminosity_threshold: float = field(default=0.95, metadata=_about(
        "coterminosity: a PCN is coterminous when its share in its main footprint is at least this.", gt=0, le=1,
    ))
    timeline_agreement_kinds: list[str] = field(
        default_factory=lambda: ["mou", "place_agreement"],
        metadata=_about("timeline: the agreements whose signatures complete mou_agreed and governance_confirmed."),
    )
    betweenness_exact_max_nodes: int = field(default=1500, metadata=_about(
        "brokers: exact betweenness for connected components up to this many nodes; estimated above.", ge=0,
    ))
    betweenness_samples: int = field(default=100, metadata=_about(
        "brokers: pivots sampled, in all, across the components too large to compute exactly "
        "(fixed seed, so runs repeat exactly).", ge=1,
    ))

    def __post_init__(self) -> None:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        if values == _defaults():
            return
        checked = _checker()(**values)  # raises pydantic's ValidationError
        for name in values:
            object.__setattr__(self, name, getattr(checked, name))


@cache
def _defaults() -> dict[str, Any]:
    return {f.name: f.default_factory() if callable(f.default_factory) else f.default  # type: ignore[misc]
            for f in fields(ReportSettings)}


@cache
def _checker() -> Any:
    """The pydantic model that checks settings: the dataclass's fields, bounds and vocabularies."""
    from pydantic import ConfigDict, Field, create_model, field_validator

    definitions: dict[str, Any] = {}
    for f in fields(ReportSettings):
        limits = {k: v for k, v in f.metadata.items() if k in ("gt", "ge", "le")}
        kind = {"list[str]": list[str], "float": float, "int": int}[str(f.type)]
        definitions[f.name] = (kind, Field(default=_defaults()[f.name], **limits))

    def vocabulary(cls: type, value: list[str], info: Any) -> list[str]:
        return _check_vocabulary(value, VOCABULARY_OF[info.field_name])

    validators = {"vocabulary": field_validator(*VOCABULARY_OF)(classmethod(vocabulary))}
    return create_model("ReportSettingsCheck", __config__=ConfigDict(extra="forbid"),
                        __validators__=validators, **definitions)


def _explain(exc: Any, source: str) -> str:
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "settings"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = f"unknown setting; known: {', '.join(f.name for f in fields(ReportSettings))}"
        problems.append(f"{where}: {message}")
    return f"{source}: " + "; ".join(problems)


def settings_from(values: dict[str, Any], source: str = "settings") -> ReportSettings:
    from pydantic import ValidationError

    try:
        checked = _checker()(**values)
    except ValidationError as exc:
        raise SettingsError(_explain(exc, source)) from None
    return ReportSettings(**checked.model_dump())


def load_settings(path: str | os.PathLike[str] | None = None) -> ReportSettings:
    """The defaults, overridden by the `[reports]` table of `path` (default: `$ICPMAP_SETTINGS`)."""
    raw = path if path is not None else os.environ.get(SETTINGS_ENV, "").strip()
    if not raw:
        return ReportSettings()
    file = Path(raw).expanduser()
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise SettingsError(f"Settings file {file} (from {SETTINGS_ENV}) does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"Cannot read settings file {file}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"Settings file {file} is not valid TOML: {exc}") from None
    section = data.get("reports", {})
    if not isinstance(section, dict):
        raise SettingsError(f"{file}: `reports` must be a table ([reports]).")
    return settings_from(section, f"{file} [reports]")


__all__ = ["SETTINGS_ENV", "ReportSettings", "SettingsError", "load_settings", "settings_from"]
