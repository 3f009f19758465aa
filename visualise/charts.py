"""Static charts (matplotlib, PNG or SVG) of the reports, for packs and slides.

- `breadth`: members of each Place's partnership by sector (stacked bars), with the
  expected sectors it lacks (the breadth report);
- `coterminosity`: each PCN's share of patients (or practices) in its main footprint
  against the threshold (the coterminosity report);
- `assurance`: Places x the seven core features, coloured by status (the assurance report);
- `progress`: one line per Place for each count of the progress report, period by period.

Built on `matplotlib.figure.Figure` directly (no pyplot, no global backend switch), so
it is safe in a server and in threads. Text from data is escaped for mathtext (`$`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import cypher
from ..errors import UserError
from ..graph import Store
from ..reports import run_report
from .graph import read_query
from .style import SECTOR_COLOURS, sector_colour, sector_label

CHARTS = ("breadth", "coterminosity", "assurance", "progress")
FORMATS = ("png", "svg")
STATUS_COLOURS = {"met": "#009639", "partial": "#FFB81C", "not_met": "#DA291C"}
STATUS_TEXT = {"met": "met", "partial": "partial", "not_met": "not met"}
MAX_PCN_BARS = 120  # above this, the coterminosity chart is a histogram


def _text(value: Any) -> str:
    """Data as plain text for matplotlib: `$` would start mathtext."""
    return str(value if value is not None else "").replace("\\", "\\\\").replace("$", r"\$")


def _records(result: Any) -> list[dict[str, Any]]:
    return [dict(zip(result.columns, row)) for row in result.rows]


def _places(store: Store, places: Iterable[str] | None, ics: str | None) -> list[dict[str, Any]]:
    """The Places to chart: those given, those of an ICS, or all; with names, by code."""
    if ics:
        rows = read_query(store, "visual-places", ics=[ics])
        if not rows:
            raise UserError(f"No ICS with code {ics!r} has Places in the store.")
    else:
        rows = store.read(cypher.get("places").text).records()
    wanted = set(places or [])
    if wanted:
        rows = [r for r in rows if r["place_code"] in wanted]
        missing = wanted - {r["place_code"] for r in rows}
        if missing:
            raise UserError(f"No Place with code {', '.join(sorted(missing))} in the store.")
    return sorted(rows, key=lambda r: r["place_code"])


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    fig.set_facecolor("white")
    return fig


# -- breadth -------------------------------------------------------------------------------


def breadth_figure(store: Store, *, places: Iterable[str] | None = None, ics: str | None = None,
                   as_at: dt.date | None = None) -> Any:
    as_at = as_at or dt.date.today()
    rows = _places(store, places, ics)
    if not rows:
        raise UserError("No Places in the store to chart.")
    codes = {r["place_code"] for r in rows}
    report = {r["place_code"]: r for r in _records(run_report(store, "breadth", as_at=as_at))
              if r["place_code"] in codes}
    members = cypher.get("place-members")
    by_sector: dict[str, dict[str, int]] = {}
    for r in rows:
        counts: dict[str, int] = defaultdict(int)
        for m in store.read(members.text, members.bind({"place": r["place_code"], "as_at": as_at})).records():
            counts[m["sector"] or ""] += 1
        by_sector[r["place_code"]] = counts
    sectors = [s for s in SECTOR_COLOURS if any(by_sector[c].get(s) for c in by_sector)]
    sectors += sorted({s for c in by_sector.values() for s in c if s not in SECTOR_COLOURS})
    fig = _figure(11, 2.0 + 0.42 * len(rows))
    ax = fig.add_subplot()
    labels = [_text(f"{r['place_name'] or r['place_code']} ({r['place_code']})") for r in rows]
    y = list(range(len(rows)))[::-1]
    left = [0] * len(rows)
    for s in sectors:
        widths = [by_sector[r["place_code"]].get(s, 0) for r in rows]
        ax.barh(y, widths, left=left, color=sector_colour(s or None), edgecolor="white", linewidth=0.6,
                label=_text(sector_label(s or None)))
        left = [a + b for a, b in zip(left, widths)]
    for yi, r, total in zip(y, rows, left):
        info = report.get(r["place_code"], {})
        missing = info.get("missing_sectors") or []
        missing = missing.split(";") if isinstance(missing, str) else list(missing)
        note = f"{total}" + (f"   missing: {', '.join(sector_label(m) for m in missing if m)}" if missing else "")
        ax.text(total + 0.3, yi, _text(note), va="center", fontsize=8.5, color="#425563")
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_xlabel("organisations in the partnership (current members of its place partnership / health and wellbeing boards)")
    ax.set_xlim(0, max([*left, 1]) * 1.45)
    ax.set_title(f"Partnership breadth by sector, as at {as_at.isoformat()}", loc="left", fontsize=12)
    fig.legend(loc="outside lower center", fontsize=8, ncols=min(len(sectors), 6) or 1, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


# -- coterminosity -------------------------------------------------------------------------


def coterminosity_figure(store: Store, *, places: Iterable[str] | None = None, ics: str | None = None,
                         as_at: dt.date | None = None, level: str | None = None, by: str | None = None,
                         threshold: float | None = None) -> Any:
    from matplotlib.ticker import PercentFormatter

    as_at = as_at or dt.date.today()
    place_list = list(places or [])
    result = run_report(store, "coterminosity", place=place_list[0] if len(place_list) == 1 else None, as_at=as_at,
                        ics=ics, level=level, by=by, threshold=threshold, view="pcns")
    rows = [r for r in _records(result) if r["share"] is not None]
    if len(place_list) > 1:
        # PCNs of those Places: led neighbourhoods or located practices there (the report's rule, per Place)
        keep: set[str] = set()
        for p in _places(store, place_list, ics):
            keep |= {r[0] for r in run_report(store, "coterminosity", place=p["place_code"], as_at=as_at,
                                              level=level, by=by, threshold=threshold, view="pcns").rows}
        rows = [r for r in rows if r["pcn_code"] in keep]
    if not rows:
        raise UserError("No PCN with registered patients or practices to chart.")
    options = getattr(result, "options", {}) or {}
    limit = float(options.get("threshold") or threshold or 0.95)
    level_text = options.get("level", level or "place")
    by_text = options.get("by", by or "patients")
    rows.sort(key=lambda r: (float(r["share"]), r["pcn_code"]))
    title = (f"PCN coterminosity: share of {by_text} in the main {level_text} footprint\n"
             f"threshold {limit:.0%}, as at {as_at.isoformat()}")
    if len(rows) > MAX_PCN_BARS:
        fig = _figure(10, 5)
        ax = fig.add_subplot()
        shares = [float(r["share"]) for r in rows]
        ax.hist(shares, bins=[i / 40 for i in range(41)], color="#005EB8", edgecolor="white")
        ax.axvline(limit, color="#DA291C", linestyle="--", linewidth=1.5)
        below = sum(1 for s in shares if s < limit)
        ax.text(limit, ax.get_ylim()[1] * 0.95, f"  {below} of {len(shares)} PCNs below", color="#DA291C",
                va="top", fontsize=9)
        ax.set_xlabel("share in main footprint")
        ax.set_ylabel("PCNs")
    else:
        fig = _figure(10, 1.2 + 0.24 * len(rows))
        ax = fig.add_subplot()
        y = list(range(len(rows)))
        colours = [("#009639" if r["coterminous"] else "#ED8B00") for r in rows]
        ax.barh(y, [float(r["share"]) for r in rows], color=colours)
        ax.axvline(limit, color="#DA291C", linestyle="--", linewidth=1.5, label=f"threshold {limit:.0%}")
        ax.set_yticks(y, [_text(f"{r['pcn_name'] or r['pcn_code']} ({r['pcn_code']})") for r in rows], fontsize=8)
        for yi, r in zip(y, rows):
            n = int(r["footprints"] or 0)
            ax.text(float(r["share"]) + 0.005, yi, f"{float(r['share']):.1%} · {n} footprint{'' if n == 1 else 's'}",
                    va="center", fontsize=7.5, color="#425563")
        ax.set_xlim(0, 1.25)
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
        ax.set_xlabel("share in main footprint (green: coterminous; amber: not)")
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set_title(title, loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


# -- assurance -----------------------------------------------------------------------------


def assurance_figure(store: Store, *, places: Iterable[str] | None = None, ics: str | None = None,
                     as_at: dt.date | None = None) -> Any:
    from matplotlib.patches import Patch, Rectangle

    as_at = as_at or dt.date.today()
    rows = _places(store, places, ics)
    if not rows:
        raise UserError("No Places in the store to chart.")
    codes = [r["place_code"] for r in rows]
    records = [r for r in _records(run_report(store, "assurance", as_at=as_at)) if r["place_code"] in set(codes)]
    features = sorted({(int(r["feature"]), r["name"]) for r in records})
    status = {(r["place_code"], int(r["feature"])): r["status"] for r in records}
    fig = _figure(2.6 + 1.25 * max(len(features), 1), 1.6 + 0.42 * len(rows))
    ax = fig.add_subplot()
    for i, code in enumerate(codes):
        for j, (number, _name) in enumerate(features):
            s = status.get((code, number))
            ax.add_patch(Rectangle((j, i), 0.96, 0.92, color=STATUS_COLOURS.get(s or "", "#E8EDEE")))
            ax.text(j + 0.48, i + 0.46, STATUS_TEXT.get(s or "", "—"), ha="center", va="center", fontsize=8,
                    color="#212B32" if s == "partial" else "white" if s else "#425563")
    ax.set_xlim(0, max(len(features), 1))
    ax.set_ylim(len(codes), 0)
    ax.set_xticks([j + 0.48 for j in range(len(features))],
                  [_text(f"{n}. {name}") for n, name in features], rotation=20, ha="right", fontsize=8.5)
    ax.set_yticks([i + 0.46 for i in range(len(codes))],
                  [_text(f"{r['place_name'] or r['place_code']} ({r['place_code']})") for r in rows], fontsize=9)
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    ax.set_title(f"ICP assurance: the seven core features, as at {as_at.isoformat()}", loc="left", fontsize=12)
    fig.legend(handles=[Patch(color=c, label=STATUS_TEXT[k]) for k, c in STATUS_COLOURS.items()],
               loc="outside lower right", ncols=3, fontsize=8, frameon=False)
    return fig


# -- progress ------------------------------------------------------------------------------

PROGRESS_PANELS = (
    ("partners", "Partners (organisations in the partnership)"),
    ("outstanding", "Expected signatures outstanding"),
    ("features_met", "Core features met (of 7)"),
    ("coterminous_share", "Share of its PCNs that are coterminous"),
)
LEGEND_MAX = 16  # more Places than this: no legend (the lines are still one per Place)


def progress_figure(store: Store, *, places: Iterable[str] | None = None, ics: str | None = None,
                    as_at: dt.date | None = None, every: str | None = None, from_date: dt.date | None = None,
                    to_date: dt.date | None = None) -> Any:
    """One line per Place in each panel: the progress report's counts at the end of each period."""
    rows = _places(store, places, ics)
    if not rows:
        raise UserError("No Places in the store to chart.")
    codes = {r["place_code"] for r in rows}
    names = {r["place_code"]: r["place_name"] or r["place_code"] for r in rows}
    place = next(iter(codes)) if len(codes) == 1 else None
    result = run_report(store, "progress", place=place, every=every, from_date=from_date, to_date=to_date or as_at)
    series: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in _records(result):
        if r["place_code"] in codes:
            series[r["place_code"]].append(r)
    options = result.options
    fig = _figure(12, 8)
    axes = fig.subplots(2, 2, sharex=True)
    for ax, (column, title) in zip(axes.flat, PROGRESS_PANELS):
        for code in sorted(series):
            points = [(r["as_at"], r[column]) for r in series[code] if r[column] is not None]
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3, linewidth=1.4,
                        label=_text(f"{names[code]} ({code})"))
        ax.set_title(_text(title), loc="left", fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=8)
        if column == "coterminous_share":
            ax.set_ylim(-0.02, 1.02)
        elif column == "features_met":
            ax.set_ylim(-0.2, 7.2)
        else:
            ax.set_ylim(bottom=0)
    for ax in axes[1]:
        for label in ax.get_xticklabels():
            label.set_rotation(30)
            label.set_ha("right")
    every_text = {"month": "monthly", "quarter": "quarterly"}[options["every"]]
    fig.suptitle(f"Progress by Place, {every_text}, {options['from_date'].isoformat()} to "
                 f"{options['to_date'].isoformat()} (as at the end of each period)", x=0.01, ha="left", fontsize=12)
    if 0 < len(series) <= LEGEND_MAX:
        fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="outside lower center", fontsize=8,
                   ncols=min(len(series), 4), frameon=False)
    return fig


FIGURES = {"breadth": breadth_figure, "coterminosity": coterminosity_figure, "assurance": assurance_figure,
           "progress": progress_figure}


def chart_figure(store: Store, name: str, **options: Any) -> Any:
    key = str(name).strip().lower()
    if key not in FIGURES:
        raise UserError(f"No chart named {name!r}; charts: {', '.join(CHARTS)}.")
    return FIGURES[key](store, **{k: v for k, v in options.items() if v is not None})


def write_chart(store: Store, name: str, path: str | Path, **options: Any) -> Path:
    """Write chart `name` to `path`; the extension (.png or .svg) chooses the format."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UserError(f"Charts are written as .png or .svg; got {path.name!r}.")
    fig = chart_figure(store, name, **options)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return path


__all__ = ["CHARTS", "FORMATS", "chart_figure", "write_chart"]
