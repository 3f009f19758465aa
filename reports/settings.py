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
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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


class ReportSettings(BaseModel):
    """What the reports expect. Every field has the issue's default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    expected_sectors: list[str] = Field(
        default=["local_authority", "nhs_trust", "primary_care", "housing", "voluntary", "police"],
        description="breadth: sectors every partnership should include (missing_sectors lists the absent ones).",
    )
    beyond_health_sectors: list[str] = Field(
        default=["housing", "voluntary", "police"],
        description="assurance feature 1: a partnership needs at least one member of one of these sectors.",
    )
    expected_link_kinds: list[str] = Field(
        default=[
            "health_and_wellbeing_board", "safeguarding_adults_board", "safeguarding_children_partnership",
            "community_safety_partnership", "local_enterprise_partnership",
        ],
        description="missing-links: kinds of board every ICP board should be linked with.",
    )
    coterminosity_threshold: float = Field(
        default=0.95, gt=0, le=1,
        description="coterminosity: a PCN is coterminous when its share in its main footprint is at least this.",
    )
    timeline_agreement_kinds: list[str] = Field(
        default=["mou", "place_agreement"],
        description="timeline: the agreements whose signatures complete mou_agreed and governance_confirmed.",
    )
    betweenness_exact_max_nodes: int = Field(
        default=1500, ge=0,
        description="brokers: exact betweenness for connected components up to this many nodes; estimated above.",
    )
    betweenness_samples: int = Field(
        default=100, ge=1,
        description="brokers: pivots sampled, in all, across the components too large to compute exactly "
                    "(fixed seed, so runs repeat exactly).",
    )

    @field_validator("expected_sectors", "beyond_health_sectors")
    @classmethod
    def _sectors(cls, v: list[str]) -> list[str]:
        return _check_vocabulary(v, "sector")

    @field_validator("expected_link_kinds")
    @classmethod
    def _kinds(cls, v: list[str]) -> list[str]:
        return _check_vocabulary(v, "board_kind")

    @field_validator("timeline_agreement_kinds")
    @classmethod
    def _agreement_kinds(cls, v: list[str]) -> list[str]:
        return _check_vocabulary(v, "agreement_kind")


def _explain(exc: ValidationError, source: str) -> str:
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "settings"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = f"unknown setting; known: {', '.join(ReportSettings.model_fields)}"
        problems.append(f"{where}: {message}")
    return f"{source}: " + "; ".join(problems)


def settings_from(values: dict[str, Any], source: str = "settings") -> ReportSettings:
    try:
        return ReportSettings(**values)
    except ValidationError as exc:
        raise SettingsError(_explain(exc, source)) from None


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
