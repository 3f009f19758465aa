"""icpmap.reports: the analytic reports, one runner, and the report pack.

    from icpmap.reports import REPORTS, run_report, write_report_pack
    result = run_report(store, "coterminosity", place="E08000014", by="patients")
    result.columns, result.rows

Each report runs `.cypher` files of `cypher/reports/` (portable across both engines)
and a little Python where portable Cypher cannot do the job. Definitions, columns and
settings are documented in docs/concepts/reports.md and docs/reference/.
"""

from __future__ import annotations

import importlib
from typing import Any

# Imported on first use (PEP 562), so `from icpmap.reports import tabular` stays light.
_LAZY = {
    "Option": "base", "Report": "base", "ReportError": "base", "ReportResult": "base",
    "Findings": "findings", "findings": "findings",
    "PACK_NAME": "pack", "write_recent_changes": "pack", "write_report_pack": "pack",
    "REPORTS": "registry", "get_report": "registry", "run_all": "registry", "run_report": "registry",
    "ReportSettings": "settings", "SettingsError": "settings", "load_settings": "settings",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # found once; later lookups are plain module attributes
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PACK_NAME", "REPORTS", "Findings", "Option", "Report", "ReportError", "ReportResult", "ReportSettings", "SettingsError",
    "findings", "get_report", "load_settings", "run_all", "run_report", "write_recent_changes", "write_report_pack",
]
