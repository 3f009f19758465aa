"""icpmap.reports: the analytic reports, one runner, and the report pack.

    from icpmap.reports import REPORTS, run_report, write_report_pack
    result = run_report(store, "coterminosity", place="E08000014", by="patients")
    result.columns, result.rows

Each report runs `.cypher` files of `cypher/reports/` (portable across both engines)
and a little Python where portable Cypher cannot do the job. Definitions, columns and
settings are documented in README.md ("Reports").
"""

from __future__ import annotations

from .base import Option, Report, ReportError, ReportResult
from .pack import PACK_NAME, write_recent_changes, write_report_pack
from .registry import REPORTS, get_report, run_all, run_report
from .settings import ReportSettings, SettingsError, load_settings

__all__ = [
    "PACK_NAME", "REPORTS", "Option", "Report", "ReportError", "ReportResult", "ReportSettings", "SettingsError",
    "get_report", "load_settings", "run_all", "run_report", "write_recent_changes", "write_report_pack",
]
