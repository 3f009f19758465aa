"""The map as one self-contained, offline, escaped HTML page: vector shapes only, no tiles, no library.

The shapes are inline SVG written here (projected once, integer path data), so the page draws
with no script at all; `assets/map.js` adds hover details, a PCN's footprint, layers, zoom and
pan. Names and every other text travel only as JSON (`html.script_json`) or through the
autoescaping template, and the script writes them with `textContent`: the same template,
escaping and CSP-by-hash machinery as the diagrams (`html.py`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import geo
from .html import inline_safe, page_csp, script_json, template
from .html import links as page_links
from .map_style import (
    AREA_FILL,
    AREA_LINE,
    NEIGHBOURHOOD_LINE,
    NO_PCN_COLOUR,
    NOT_COTERMINOUS,
    PLACE_LINE,
    SHARE_BREAKS,
    SHARE_COLOURS,
    share_labels,
)
from .mapdata import MapData, short_verdict, verdict_text
from .names import file_name

ASSETS = Path(__file__).parent / "assets"
RADIUS = 38  # a practice's circle, in map units (10,000 across): about 4 px on a 1,000 px map
SCOPE_LABEL = {"place": "Place", "ics": "ICS", "pcn": "PCN"}


@cache
def assets() -> dict[str, str]:
    return {
        "page_js": inline_safe((ASSETS / "map.js").read_text(encoding="utf-8"), "script"),
        "page_css": inline_safe((ASSETS / "map.css").read_text(encoding="utf-8"), "style"),
        "template": (ASSETS / "map.html.j2").read_text(encoding="utf-8"),
    }


@cache
def _template() -> Any:
    return template(assets()["template"])


def projection(data: MapData) -> geo.Projection | None:
    box = data.view or geo.bounds([a.shape for a in data.drawn_areas()] + [p.shape for p in data.own_places()],
                                  [(p.lon, p.lat) for p in data.located_practices()])
    return geo.Projection.fit(box) if box else None


def file_stem_name(data: MapData, suffix: str) -> str:
    """The file name `icpmap demo`, `icpmap visualise` and `icpmap map` give this scope
    (`place-liverpool-E08000012.html`)."""
    return file_name(data.scope, data.code, data.name, suffix)


def diagram_link(data: MapData, prefix: str = "../diagrams/") -> dict[str, str]:
    """The link from a map to the network diagram of the same scope, where `icpmap demo` and
    `icpmap visualise` write it by default (`diagrams/place-liverpool-E08000012.html` beside `maps/`)."""
    label = {"place": "Network diagram of this Place", "ics": "Network diagram of this ICS",
             "pcn": "Network diagram of this PCN"}[data.scope]
    return {"label": label, "href": prefix + quote(file_stem_name(data, "html"), safe="%")}


def page_data(data: MapData) -> dict[str, Any]:
    """Everything the page's script needs, as plain JSON arrays in the order the shapes are drawn."""
    places = list(data.places)
    nbs = list(data.neighbourhoods)
    pcns = list(data.pcns)
    place_at = {c: i for i, c in enumerate(places)}
    nb_at = {c: i for i, c in enumerate(nbs)}
    pcn_at = {c: i for i, c in enumerate(pcns)}
    areas = data.drawn_areas()
    area_at = {a.code: i for i, a in enumerate(areas)}
    practices = data.located_practices()
    footprints: list[list[list[int]]] = []
    undrawn: list[int] = []
    for code in pcns:
        pcn = data.pcns[code]
        footprints.append(sorted([area_at[a], n] for a, n in pcn.patients.items() if a in area_at))
        undrawn.append(sum(n for a, n in pcn.patients.items() if a not in area_at))
    return {
        "places": [[p.code, p.name] for p in data.places.values()],
        "nbs": [[n.code, n.name, place_at.get(n.place or "", -1)] for n in data.neighbourhoods.values()],
        "areas": [[a.code, a.name, place_at.get(a.place or "", -1), nb_at.get(a.neighbourhood or "", -1),
                   1 if a.context else 0] for a in areas],
        "pcns": [[p.code, p.name, p.colour, verdict_text(data, p)] for p in data.pcns.values()],
        "practices": [[p.code, p.name, p.postcode, pcn_at.get(p.pcn or "", -1), place_at.get(p.place or "", -1),
                       p.point_from] for p in practices],
        "footprints": footprints,
        "totals": [data.pcns[c].total for c in pcns],
        "undrawn": undrawn,
        "selected": pcn_at.get(data.selected or "", -1),
        "shareBreaks": list(SHARE_BREAKS),
        "shareColours": list(SHARE_COLOURS),
        "radius": RADIUS,
    }


def render_map_html(data: MapData, links: list[dict[str, str]] | None = None) -> str:
    """The complete HTML page for the map. `links`: [{label, href}] to other pages (the diagram)."""
    a = assets()
    proj = projection(data)
    if proj is None:
        view, area_paths, nb_paths, place_paths, circles = "0 0 1000 1000", [], [], [], []
    else:
        view = f"0 0 {round(proj.width)} {round(proj.height)}"
        area_paths = [proj.path(x.shape) for x in data.drawn_areas()]
        nb_paths = [d for d in (proj.path(n.shape) for n in data.neighbourhoods.values()) if d]
        place_paths = [d for d in (proj.path(p.shape) for p in data.own_places()) if d]
        not_cot = set(data.not_coterminous())
        circles = []
        for p in data.located_practices():
            x, y = proj.xy(p.lon, p.lat)
            colour = data.pcns[p.pcn].colour if p.pcn in data.pcns else NO_PCN_COLOUR
            circles.append({"x": round(float(x)), "y": round(float(y)), "fill": colour, "nc": p.pcn in not_cot})
    not_cot = set(data.not_coterminous())
    pcn_rows = [{"code": p.code, "name": p.name or p.code, "colour": p.colour, "selected": p.code == data.selected,
                 "not_coterminous": p.code in not_cot, "verdict": short_verdict(p), "home": p.home}
                for p in data.pcns.values()]
    groups: list[dict[str, Any]] = []
    for row in pcn_rows:
        home = data.places.get(row["home"] or "")
        label = (home.name or home.code) if home is not None else "Elsewhere"
        if not groups or groups[-1]["place"] != label:
            groups.append({"place": label, "rows": []})
        groups[-1]["rows"].append(row)
    own = len(data.own_places())
    summary = [f"{own:,} Place{'s' if own != 1 else ''}",
               f"{len(data.drawn_areas()):,} Areas drawn", f"{len(data.located_practices()):,} practices",
               f"{len(data.pcns):,} PCNs, {len(not_cot):,} not coterminous"]
    return _template().render(
        title=data.title,
        scope=SCOPE_LABEL[data.scope],
        code=data.code,
        as_at=data.as_at.isoformat(),
        summary=summary,
        links=page_links(links),
        view=view,
        area_paths=area_paths,
        neighbourhood_paths=nb_paths,
        place_paths=place_paths,
        circles=circles,
        radius=RADIUS,
        pcns=pcn_rows,
        pcn_groups=groups,
        shares=[{"label": label, "colour": colour} for label, colour in zip(share_labels(), SHARE_COLOURS)],
        colours={"place": PLACE_LINE, "neighbourhood": NEIGHBOURHOOD_LINE, "area": AREA_FILL, "area_line": AREA_LINE,
                 "not_coterminous": NOT_COTERMINOUS},
        notes=data.notes,
        attribution=data.attribution,
        csp=page_csp(a["page_js"]),
        data_json=script_json(page_data(data)),
        page_js=a["page_js"],
        page_css=a["page_css"],
    )


def write_map_html(data: MapData, path: str | Path, links: list[dict[str, str]] | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_map_html(data, links), encoding="utf-8")
    return path


__all__ = ["assets", "diagram_link", "file_stem_name", "page_data", "render_map_html", "write_map_html"]
