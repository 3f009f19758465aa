"""What a map shows, read from the store for one Place, ICS or PCN: `build_map(store, place=...)`.

Boundaries are the Places' and Areas' own (loaded from ONS boundary files, `loaders/boundaries.py`);
everything else is derived, never drawn by hand:

- a **neighbourhood** is the union of its Areas;
- a **Place** is drawn as the union of its Areas when every Area of one kind (its LSOAs) has a
  boundary, else with its own boundary;
- a **PCN's footprint** is the Areas its patients live in, each with its share of the PCN's
  registered patients (the registrations the coterminosity report counts, from its current open
  practices), else, with no registrations, the points of its practices;
- **coterminous or not** is the coterminosity report's verdict: at neighbourhood level (by
  patients) for a PCN that leads a neighbourhood, else at place level, as the diagrams say.

The result is plain data (`MapData`), drawn by the page (`map_page.py`) and the PNG/SVG
(`map_image.py`) alike.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..errors import UserError
from ..graph import Store
from ..reports import run_report
from . import geo
from .graph import read_query
from .map_style import ATTRIBUTION_BOUNDARIES, ATTRIBUTION_POSTCODES, PCN_COLOURS

SCOPES = ("place", "ics", "pcn")
VIEW_SHARE = 0.95  # a PCN map frames the Areas holding this share of its patients (and its practices)


@dataclass
class MapPlace:
    code: str
    name: str | None
    shape: Any = None  # shapely, longitude/latitude
    outline_from: str | None = None  # "areas" (union of its Areas) | "boundary" (its own) | None
    context: bool = False  # drawn around the map's own Places (a PCN's patients living there)


@dataclass
class MapArea:
    code: str
    name: str | None
    kind: str | None
    place: str | None
    neighbourhood: str | None
    shape: Any = None
    context: bool = False


@dataclass
class MapNeighbourhood:
    code: str
    name: str | None
    place: str | None
    pcns: list[str] = field(default_factory=list)  # the PCNs that lead it
    shape: Any = None  # the union of its Areas' boundaries


@dataclass
class Verdict:
    """The coterminosity report's row for a PCN."""

    level: str  # neighbourhood | place
    by: str  # patients | practices
    main: str | None  # the main footprint's code (`unknown` when its patients' Areas have none)
    share: float | None
    coterminous: bool
    total: int
    unknown: int


@dataclass
class MapPcn:
    code: str
    name: str | None
    colour: str
    verdict: Verdict | None = None
    patients: dict[str, int] = field(default_factory=dict)  # Area code -> registered patients living there
    leads: list[str] = field(default_factory=list)  # neighbourhood codes
    home: str | None = None  # the Place it is listed under: of its neighbourhood, else of most of its practices

    @property
    def total(self) -> int:
        return sum(self.patients.values())

    def share(self, area: str) -> float:
        total = self.total
        return self.patients.get(area, 0) / total if total else 0.0


@dataclass
class MapPractice:
    code: str
    name: str | None
    postcode: str | None
    lon: float | None
    lat: float | None
    point_from: str | None
    place: str | None
    pcn: str | None


@dataclass
class MapData:
    scope: str
    code: str
    title: str
    as_at: dt.date
    places: dict[str, MapPlace] = field(default_factory=dict)
    areas: dict[str, MapArea] = field(default_factory=dict)
    neighbourhoods: dict[str, MapNeighbourhood] = field(default_factory=dict)
    pcns: dict[str, MapPcn] = field(default_factory=dict)
    practices: list[MapPractice] = field(default_factory=list)
    name: str | None = None  # the Place's, ICS's or PCN's name
    selected: str | None = None  # the PCN whose footprint is shown
    view: tuple[float, float, float, float] | None = None  # west, south, east, north: what the map frames
    notes: list[str] = field(default_factory=list)

    @property
    def has_boundaries(self) -> bool:
        return any(p.shape is not None for p in self.own_places()) or any(
            a.shape is not None for a in self.areas.values())

    @property
    def attribution(self) -> list[str]:
        out = [ATTRIBUTION_BOUNDARIES] if self.has_boundaries else []
        if any(p.point_from == "postcode" and p.lat is not None for p in self.practices):
            out.append(ATTRIBUTION_POSTCODES)
        return out

    def own_places(self) -> list[MapPlace]:
        """The map's Places (not those only named because a PCN's patients live there)."""
        return [p for p in self.places.values() if not p.context]

    def drawn_areas(self) -> list[MapArea]:
        return [a for a in self.areas.values() if a.shape is not None]

    def located_practices(self) -> list[MapPractice]:
        return [p for p in self.practices if p.lat is not None and p.lon is not None]

    def not_coterminous(self) -> list[str]:
        return [c for c, p in self.pcns.items() if p.verdict is not None and not p.verdict.coterminous]


def build_map(store: Store, *, place: str | None = None, ics: str | None = None, pcn: str | None = None,
              as_at: dt.date | None = None, select: str | None = None) -> MapData:
    """The map of one Place, ICS or PCN (exactly one); `select` a PCN whose footprint to show
    (a PCN map shows its own)."""
    given = {k: str(v).strip() for k, v in {"place": place, "ics": ics, "pcn": pcn}.items() if v}
    if len(given) != 1:
        raise UserError("Give exactly one of --place, --ics or --pcn.")
    (scope, code), = given.items()
    builder = _Builder(store, as_at or dt.date.today())
    data = builder.build(scope, code)
    chosen = (select or "").strip() or (code if scope == "pcn" else None)
    if chosen and chosen not in data.pcns:
        raise UserError(f"PCN {chosen!r} is not on this map: choose one of the PCNs with a practice here "
                        f"({', '.join(sorted(data.pcns)) or 'none'}).")
    data.selected = chosen
    return data


class _Builder:
    def __init__(self, store: Store, as_at: dt.date) -> None:
        self.store = store
        self.as_at = as_at
        self.cache: dict[tuple[Any, ...], Any] = {}

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return read_query(self.store, name, **params)

    # -- scope ------------------------------------------------------------------------------

    def build(self, scope: str, code: str) -> MapData:
        if scope == "pcn":
            rows = self.read("visual-pcns", pcns=[code])
            if not rows:
                raise UserError(f"No PCN with code {code!r} in the store.")
            data = MapData(scope, code, f"{rows[0]['pcn_name'] or code} — patient footprint", self.as_at,
                           name=rows[0]["pcn_name"])
            led = sorted({r["neighbourhood_code"] for r in rows if r["neighbourhood_code"]})
            pcns = {code: rows[0]["pcn_name"]}
            places = self._pcn_places(code, led)
            verdicts = self._verdicts({code}, {"place": min(places)} if places else {})
            place_rows = self.read("visual-map-places", places=sorted(places))
        else:
            if scope == "ics":
                ics_rows = self.read("visual-ics", ics=[code])
                if not ics_rows:
                    raise UserError(f"No ICS with code {code!r} in the store.")
                place_rows = self.read("visual-map-places", ics=[code])
                title = f"{ics_rows[0]['ics_name'] or code} — map of the integrated care system"
                name = ics_rows[0]["ics_name"]
            else:
                place_rows = self.read("visual-map-places", places=[code])
                if not place_rows:
                    raise UserError(f"No Place with code {code!r} in the store.")
                title = f"{place_rows[0]['place_name'] or code} — place map"
                name = place_rows[0]["place_name"]
            data = MapData(scope, code, title, self.as_at, name=name)
            led = []
            report = run_report(self.store, "coterminosity", as_at=self.as_at, level="place", view="pcns",
                                cache=self.cache, **{scope: code})
            pcns = {r[0]: r[1] for r in report.rows}
            verdicts = self._verdicts(set(pcns), {scope: code}, place_report=report)
        for r in place_rows:
            data.places[r["place_code"]] = MapPlace(r["place_code"], r["place_name"])
        own_places = sorted(data.places)
        self._areas(data, own_places, place_rows)
        self._neighbourhoods(data, own_places, led)
        self._pcns(data, pcns, verdicts)
        self._practices(data, own_places)
        self._colour(data)
        self._footprints(data)
        self._outlines(data)
        self._frame(data)
        return data

    def _pcn_places(self, code: str, led: list[str]) -> set[str]:
        """A PCN map's Places: where its practices are located and its neighbourhoods are."""
        places = {r["place_code"] for r in self.read("visual-map-practices", pcns=[code], as_at=self.as_at)
                  if r["pcn_code"] == code and r["place_code"]}
        if led:
            places |= {r["place_code"] for r in self.read("visual-map-neighbourhoods", neighbourhoods=led)
                       if r["place_code"]}
        return places

    # -- coterminosity ----------------------------------------------------------------------

    def _verdicts(self, pcns: set[str], where: dict[str, str], place_report: Any = None) -> dict[str, Verdict]:
        """Each PCN's verdict: neighbourhood level for one leading a neighbourhood (by patients,
        when registrations are loaded), else place level. `where`: the report's scope."""
        if not pcns:
            return {}
        if place_report is None:
            place_report = run_report(self.store, "coterminosity", as_at=self.as_at, level="place", view="pcns",
                                      cache=self.cache, **where)
        out = _verdict_rows(place_report, pcns, "place")
        leaders = {r["pcn_code"] for r in self.read("visual-pcns", pcns=sorted(pcns)) if r["neighbourhood_code"]}
        if leaders and place_report.options.get("by") == "patients":
            nb_report = run_report(self.store, "coterminosity", as_at=self.as_at, level="neighbourhood", view="pcns",
                                   by="patients", cache=self.cache, **where)
            out.update(_verdict_rows(nb_report, leaders, "neighbourhood"))
        return out

    # -- layers -----------------------------------------------------------------------------

    def _areas(self, data: MapData, places: list[str], place_rows: list[dict[str, Any]]) -> None:
        rows = self.read("visual-map-areas", places=places) if places else []
        shapes = geo.decode([r["geometry"] for r in rows] + [r["geometry"] for r in place_rows])
        for r, shape in zip(rows, shapes, strict=False):
            if r["area_code"] in data.areas:  # an Area IN a Place and, through a neighbourhood, in another
                continue
            data.areas[r["area_code"]] = MapArea(r["area_code"], r["area_name"], r["kind"], r["place_code"],
                                                 r["neighbourhood_code"], shape)
        for r, shape in zip(place_rows, shapes[len(rows):], strict=True):
            data.places[r["place_code"]].shape = shape
            data.places[r["place_code"]].outline_from = "boundary" if shape is not None else None

    def _neighbourhoods(self, data: MapData, places: list[str], led: list[str]) -> None:
        for r in self.read("visual-map-neighbourhoods", places=places, neighbourhoods=led):
            data.neighbourhoods[r["neighbourhood_code"]] = MapNeighbourhood(
                r["neighbourhood_code"], r["neighbourhood_name"], r["place_code"], sorted(r["pcn_codes"] or []))

    def _pcns(self, data: MapData, pcns: dict[str, str | None], verdicts: dict[str, Verdict]) -> None:
        """The PCNs, grouped by their home Place (its colours in turn: neighbours differ)."""
        leads: dict[str, list[str]] = defaultdict(list)
        for nb in data.neighbourhoods.values():
            for c in nb.pcns:
                leads[c].append(nb.code)
        for c in pcns:
            data.pcns[c] = MapPcn(c, pcns[c], "", verdicts.get(c), leads=sorted(leads[c]))

    def _colour(self, data: MapData) -> None:
        """Each PCN's home: the Place of the neighbourhood it leads, else of most of its practices."""
        practices: dict[str, Counter[str]] = defaultdict(Counter)
        for p in data.practices:
            if p.pcn and p.place:
                practices[p.pcn][p.place] += 1
        for pcn in data.pcns.values():
            homes = [data.neighbourhoods[n].place for n in pcn.leads if data.neighbourhoods[n].place]
            counted = practices[pcn.code].most_common()
            pcn.home = homes[0] if homes else (counted[0][0] if counted else None)
        order = sorted(data.pcns.values(), key=lambda p: (_name(data.places.get(p.home or "")), p.name or "", p.code))
        data.pcns = {p.code: p for p in order}
        for i, pcn in enumerate(order):
            pcn.colour = PCN_COLOURS[i % len(PCN_COLOURS)]

    def _practices(self, data: MapData, places: list[str]) -> None:
        rows = self.read("visual-map-practices", places=places, pcns=sorted(data.pcns), as_at=self.as_at)
        for r in rows:
            lat, lon = r["lat"], r["lon"]
            data.practices.append(MapPractice(
                r["practice_code"], r["practice_name"], r["postcode"], None if lon is None else float(lon),
                None if lat is None else float(lat), r["point_from"], r["place_code"], r["pcn_code"]))
        for p in data.practices:  # a practice in a PCN not on this map (in none of its Places' reports)
            if p.pcn and p.pcn not in data.pcns:
                p.pcn = None
        missing = [p for p in data.practices if p.lat is None]
        if missing:
            data.notes.append(f"{len(missing)} practice(s) have no point (no coordinates in the files loaded, no "
                              "postcode found in a postcode lookup): not drawn.")

    def _footprints(self, data: MapData) -> None:
        if not data.pcns:
            return
        for r in self.read("visual-map-pcn-areas", pcns=sorted(data.pcns), as_at=self.as_at):
            data.pcns[r["pcn_code"]].patients[r["area_code"]] = int(r["patients"] or 0)
        outside = sorted({a for p in data.pcns.values() for a in p.patients} - set(data.areas))
        if outside:
            rows = self.read("visual-map-area-shapes", areas=outside)
            for r, shape in zip(rows, geo.decode([r["geometry"] for r in rows]), strict=True):
                data.areas[r["area_code"]] = MapArea(r["area_code"], r["area_name"], r["kind"], r["place_code"],
                                                     r["neighbourhood_code"], shape, context=True)
            others = sorted({r["place_code"] for r in rows if r["place_code"]} - set(data.places))
            for r in self.read("visual-map-places", places=others) if others else []:  # named, not drawn
                data.places[r["place_code"]] = MapPlace(r["place_code"], r["place_name"], context=True)
        unshaped = Counter()
        for p in data.pcns.values():
            for a, n in p.patients.items():
                if a not in data.areas or data.areas[a].shape is None:
                    unshaped[p.code] += n
        total = sum(p.total for p in data.pcns.values())
        if unshaped and total:
            share = sum(unshaped.values()) / total
            data.notes.append(f"{share:.1%} of the registered patients of the PCNs here live in Areas with no boundary "
                              "loaded (or an unknown code): counted in the shares, not drawn.")

    def _outlines(self, data: MapData) -> None:
        """Neighbourhoods as the union of their Areas; Places as the union of their Areas when all
        Areas of one kind have a boundary (the LSOAs), else their own boundary."""
        by_nb: dict[str, list[Any]] = defaultdict(list)
        by_place: dict[str, dict[str, list[MapArea]]] = defaultdict(lambda: defaultdict(list))
        for a in data.areas.values():
            if a.neighbourhood and a.shape is not None:
                by_nb[a.neighbourhood].append(a.shape)
            if a.place and not a.context:
                by_place[a.place][a.kind or ""].append(a)
        for code, nb in data.neighbourhoods.items():
            nb.shape = geo.union(by_nb.get(code, []))
        for code, place in data.places.items():
            if place.context:
                continue
            kinds = by_place.get(code, {})
            complete = [k for k, areas in kinds.items() if areas and all(a.shape is not None for a in areas)]
            if complete:
                kind = max(complete, key=lambda k: (k == "lsoa", len(kinds[k])))
                place.shape = geo.union(a.shape for a in kinds[kind])
                place.outline_from = "areas"
        no_outline = [p.name or p.code for p in data.places.values() if p.shape is None and not p.context]
        if no_outline:
            data.notes.append(f"No boundary loaded for {', '.join(sorted(no_outline))}: load the ONS boundary files "
                              "(see the README, Maps).")
        no_nb = [n.name or n.code for n in data.neighbourhoods.values() if n.shape is None]
        if no_nb:
            data.notes.append(f"{len(no_nb)} neighbourhood(s) have no Area with a boundary: not drawn.")

    def _frame(self, data: MapData) -> None:
        """What the map frames: its Places (a PCN map: the Areas holding most of its patients and its
        practices), never the whole country a few patients moved to."""
        shapes = [p.shape for p in data.own_places()]
        points = [(p.lon, p.lat) for p in data.located_practices()
                  if data.scope != "pcn" or p.pcn == data.code]
        if data.scope == "pcn" and data.code in data.pcns and (data.pcns[data.code].patients or points):
            pcn = data.pcns[data.code]
            shapes = []
            held = 0
            for area, n in sorted(pcn.patients.items(), key=lambda kv: -kv[1]):
                if held >= VIEW_SHARE * pcn.total:
                    break
                held += n
                shapes.append(data.areas[area].shape if area in data.areas else None)
            shapes += [data.neighbourhoods[n].shape for n in pcn.leads if n in data.neighbourhoods]
        data.view = geo.bounds(shapes, points)


def _name(place: MapPlace | None) -> str:
    return "~" if place is None else (place.name or place.code)


def footprint_name(data: MapData, code: str | None) -> str:
    """A footprint (a Place or neighbourhood code) as a person reads it."""
    found = data.places.get(code or "") or data.neighbourhoods.get(code or "")
    return f"{found.name} ({code})" if found is not None and found.name else str(code)


def verdict_text(data: MapData, pcn: MapPcn) -> str:
    """The coterminosity report's verdict on a PCN, in one plain sentence."""
    v = pcn.verdict
    if v is None:
        return "coterminosity not known (no current practice located, or nothing to count)"
    level = "neighbourhood" if v.level == "neighbourhood" else "Place"
    measure = "registered patients" if v.by == "patients" else "practices"
    share = "" if v.share is None else f"{v.share:.1%} of "
    if v.main == "unknown":
        return f"not coterminous: most of its {measure} ({share.removesuffix(' of ') or 'a share'}) in Areas in no {level}"
    where = footprint_name(data, v.main)
    if v.coterminous:
        return f"coterminous: {share}its {measure} in {level} {where}"
    return f"not coterminous: {share}its {measure} in its main {level}, {where}"


def short_verdict(pcn: MapPcn) -> str:
    """The verdict in a few words (the legend)."""
    v = pcn.verdict
    if v is None:
        return "coterminosity not known"
    share = "" if v.share is None else f"{v.share:.0%} "
    level = "neighbourhood" if v.level == "neighbourhood" else "Place"
    if v.coterminous:
        return f"coterminous ({share}in its {level})"
    if v.main == "unknown":
        return f"not coterminous ({share}in no known {level})"
    return f"not coterminous ({share}in its main {level})"


def _verdict_rows(report: Any, wanted: set[str], level: str) -> dict[str, Verdict]:
    out = {}
    by = report.options.get("by") or "patients"
    for row in report.rows:
        r = dict(zip(report.columns, row))
        if r["pcn_code"] in wanted and r["total"]:
            out[r["pcn_code"]] = Verdict(level, by, r["main_footprint"], r["share"], bool(r["coterminous"]),
                                         int(r["total"] or 0), int(r["unknown"] or 0))
    return out


__all__ = ["SCOPES", "MapArea", "MapData", "MapNeighbourhood", "MapPcn", "MapPlace", "MapPractice", "Verdict",
           "build_map", "footprint_name", "short_verdict", "verdict_text"]
