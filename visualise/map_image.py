"""The map as a static PNG or SVG (matplotlib), for board papers: the page's map, without its controls.

    from icpmap.visualise import build_map, write_map_image
    write_map_image(build_map(store, place="E08000012"), "liverpool.png")      # or .svg
    figure = map_figure(build_map(store, ics="QYG", select="U99022"))          # a Figure, to place yourself

Built on `matplotlib.figure.Figure` directly (no pyplot, no global backend switch), like the
charts: safe in a server and in threads. Same projection, colours and classes as the page.
Text from data is escaped for mathtext (`$`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import geo
from .map_page import RADIUS, projection
from .map_style import (
    AREA_FILL,
    AREA_LINE,
    CONTEXT_FILL,
    NEIGHBOURHOOD_LINE,
    NO_PCN_COLOUR,
    NOT_COTERMINOUS,
    PLACE_LINE,
    SHARE_COLOURS,
    share_class,
    share_labels,
)
from .mapdata import MapData, short_verdict, verdict_text

FORMATS = ("png", "svg")
LEGEND_PCNS = 28  # PCNs listed in the legend at most (an ICS has ~50: the rest are counted)


def _text(value: Any) -> str:
    """Data as plain text for matplotlib: `$` would start mathtext."""
    return str(value if value is not None else "").replace("\\", "\\\\").replace("$", r"\$")


def _paths(proj: geo.Projection, shapes: list[Any]) -> list[Any]:
    from matplotlib.path import Path as MplPath

    out = []
    for shape in shapes:
        rings = proj.rings(shape)
        if rings:
            out.append(MplPath.make_compound_path(*(MplPath(r, closed=True) for r in rings)))
    return out


def map_figure(data: MapData, width: float = 11.7, height: float = 8.3, dpi: int = 150,
               legend: str = "right") -> Any:
    """The map as a matplotlib Figure: A4 landscape by default, the legend on the right.

    `legend="below"` lays it out for a portrait page's text width (a board paper): the map
    across the whole `width`, the legend in two columns under it, the figure at most `height`
    inches tall (the map's own aspect may make it shorter)."""
    if legend not in ("right", "below"):
        raise ValueError(f"legend is 'right' or 'below', not {legend!r}")
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig = Figure(figsize=(width, height), dpi=dpi)
    ax = fig.add_axes((0.01, 0.07, 0.66, 0.83))
    ax.set_axis_off()
    ax.set_aspect("equal")
    fig.text(0.01, 0.965, _text(data.title), fontsize=15, fontweight="bold", va="top")
    not_cot = set(data.not_coterminous())
    located = data.located_practices()
    subtitle = (f"{ {'place': 'Place', 'ics': 'ICS', 'pcn': 'PCN'}[data.scope]} {data.code} · as at "
                f"{data.as_at.isoformat()} · {len(located)} practices · {len(data.pcns)} PCNs, "
                f"{len(not_cot)} not coterminous")
    fig.text(0.01, 0.925, _text(subtitle), fontsize=9.5, color="#425563", va="top")
    proj = projection(data)
    selected = data.pcns.get(data.selected or "")
    if proj is not None:
        areas = data.drawn_areas()
        fills = []
        for a in areas:
            share = selected.share(a.code) if selected is not None else 0.0
            fills.append(SHARE_COLOURS[share_class(share)] if share > 0 else CONTEXT_FILL if a.context else AREA_FILL)
        ax.add_collection(PathCollection(_paths(proj, [a.shape for a in areas]), facecolors=fills,
                                         edgecolors=AREA_LINE, linewidths=0.3, zorder=1))
        nbs = [n.shape for n in data.neighbourhoods.values() if n.shape is not None]
        ax.add_collection(PathCollection(_paths(proj, nbs), facecolors="none", edgecolors=NEIGHBOURHOOD_LINE,
                                         linewidths=1.1, linestyles=(0, (4, 2)), zorder=2))
        places = [p.shape for p in data.own_places() if p.shape is not None]
        ax.add_collection(PathCollection(_paths(proj, places), facecolors="none", edgecolors=PLACE_LINE,
                                         linewidths=1.8, zorder=3))
        if located:
            x, y = proj.xy([p.lon for p in located], [p.lat for p in located])
            colours = [data.pcns[p.pcn].colour if p.pcn in data.pcns else NO_PCN_COLOUR for p in located]
            rings = [NOT_COTERMINOUS if p.pcn in not_cot else "#ffffff" for p in located]
            widths = [1.4 if p.pcn in not_cot else 0.5 for p in located]
            alpha = [1.0 if selected is None or p.pcn == selected.code else 0.3 for p in located]
            size = 16 if len(located) > 150 else 26
            ax.scatter(x, y, s=size, c=colours, edgecolors=rings, linewidths=widths, zorder=4, alpha=None)
            if selected is not None and any(a < 1 for a in alpha):
                faded = [i for i, a in enumerate(alpha) if a < 1]
                ax.scatter(x[faded], y[faded], s=size * 1.3, c="#ffffff", alpha=0.65, linewidths=0, zorder=4.5)
        view = data.view
        if view is not None:
            (x0, x1), (y0, y1) = zip(proj.xy(view[0], view[3]), proj.xy(view[2], view[1]))
        else:
            x0, y0, x1, y1 = 0.0, 0.0, proj.width, proj.height
        pad = 0.02 * max(x1 - x0, y1 - y0)
        ax.set_xlim(x0 - pad, x1 + pad)
        ax.set_ylim(y1 + pad, y0 - pad)  # y grows downwards, as in the page
    else:
        ax.text(0.5, 0.5, "Nothing to draw: no boundary or practice point is loaded.", ha="center",
                transform=ax.transAxes)
    _ = RADIUS  # the page's practice size; here markers are in points
    handles: list[Any] = [
        Line2D([], [], color=PLACE_LINE, linewidth=1.8, label="Place"),
        Line2D([], [], color=NEIGHBOURHOOD_LINE, linewidth=1.1, linestyle=(0, (4, 2)), label="Neighbourhood"),
        Patch(facecolor=AREA_FILL, edgecolor=AREA_LINE, label="Area (LSOA)"),
        Line2D([], [], marker="o", linestyle="none", markerfacecolor="#ffffff", markeredgecolor=NOT_COTERMINOUS,
               markeredgewidth=1.6, label="Practice of a PCN that is not coterminous"),
    ]
    if selected is not None:
        handles += [Patch(facecolor=c, edgecolor=AREA_LINE, label=f"{label} of its patients")
                    for c, label in zip(SHARE_COLOURS, share_labels())]
    pcns = list(data.pcns.values())
    for pcn in pcns[:LEGEND_PCNS]:
        label = f"{pcn.name or pcn.code} ({pcn.code})"
        if pcn.code in not_cot:
            label += " – not coterminous"
        handles.append(Line2D([], [], marker="o", linestyle="none", markerfacecolor=pcn.colour,
                              markeredgecolor=NOT_COTERMINOUS if pcn.code in not_cot else "#ffffff",
                              markeredgewidth=1.4, label=_text(label)))
    foot = []
    if len(pcns) > LEGEND_PCNS:
        foot.append(f"and {len(pcns) - LEGEND_PCNS} more PCNs (see the interactive map)")
    if selected is not None:
        foot.append(f"Footprint: {selected.name or selected.code} ({selected.code}), {selected.total:,} registered "
                    f"patients; {verdict_text(data, selected)}")
    elif data.scope == "pcn" and data.code in data.pcns:
        foot.append(short_verdict(data.pcns[data.code]))
    foot += data.attribution
    if legend == "below":
        _below(fig, ax, handles, foot, width, height)
        return fig
    box = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.68, 0.9), frameon=False,
                     fontsize=7.2 if len(pcns) > 14 else 8.2, handlelength=1.8, borderaxespad=0)
    box.set_title("Legend", prop={"size": 9, "weight": "bold"})
    box._legend_box.align = "left"  # matplotlib's documented way to left-align the title
    fig.text(0.01, 0.015, _text("\n".join(foot)), fontsize=6.5, color="#425563", va="bottom", wrap=True)
    return fig


def _below(fig: Any, ax: Any, handles: list[Any], foot: list[str], width: float, most: float) -> None:
    """Lay the figure out top to bottom in inches: title, map (its own aspect, in what the rest
    leaves of `most`), legend in two columns, notes; then size the figure to fit."""
    import math

    x0, x1 = ax.get_xlim()
    y1, y0 = ax.get_ylim()
    aspect = abs(y1 - y0) / abs(x1 - x0) if x1 != x0 else 1.0
    rows = math.ceil(len(handles) / 2)
    font = 7.5
    legend_h = 0.3 + rows * font * 1.5 / 72
    chars = max(40, int((width - 0.2) * 72 / (6.5 * 0.55)))
    lines = sum(max(1, math.ceil(len(line) / chars)) for line in foot)
    foot_h = 0.1 + lines * 6.5 * 1.3 / 72
    top_h = 0.55
    map_h = max(1.5, min(most - top_h - legend_h - foot_h, (width - 0.2) * aspect))
    total = top_h + map_h + legend_h + foot_h
    fig.set_size_inches(width, total)
    title, subtitle = fig.texts[:2]  # set as fractions of the old height, the title for a wider page
    title.set_fontsize(12)
    title.set_y(1 - 0.08 / total)
    subtitle.set_fontsize(8.5)
    subtitle.set_y(1 - 0.33 / total)
    ax.set_position((0.1 / width, (legend_h + foot_h) / total, (width - 0.2) / width, map_h / total))
    box = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.1 / width, (legend_h + foot_h) / total),
                     ncols=2, frameon=False, fontsize=font, handlelength=1.8, borderaxespad=0.3, columnspacing=1.5)
    box.set_title("Legend", prop={"size": 8.5, "weight": "bold"})
    box._legend_box.align = "left"
    fig.text(0.1 / width, 0.05 / total, _text("\n".join(foot)), fontsize=6.5, color="#425563", va="bottom",
             wrap=True)


def write_map_image(data: MapData, path: str | Path, fmt: str | None = None, dpi: int = 150) -> Path:
    """Write the map as PNG or SVG (by `fmt`, else by the file's extension); `dpi`: a PNG's
    resolution (the page is A4 landscape: 150 for the screen, 300 for print)."""
    path = Path(path)
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise ValueError(f"a map image is .png or .svg, not {chosen!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure = map_figure(data, dpi=dpi)
    if chosen == "svg":
        figure.savefig(path, format="svg", metadata={"Date": None})
        return path
    import io

    from PIL import Image  # matplotlib's own dependency

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    # A map is flat colours: a 256-colour palette keeps it as drawn at a third of the size.
    image = Image.open(buffer).convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    image.save(path, format="PNG", optimize=True, dpi=(dpi, dpi))
    return path


__all__ = ["FORMATS", "map_figure", "write_map_image"]
