"""Property-based tests (hypothesis) for reading and loading, and for the lossless export.

- CSV dialects: the same table written with any encoding icpmap accepts, BOM or not, LF or
  CRLF, any quoting, headers in any case and spacing, blank `,,,` rows and extra columns loads
  the same graph.
- Random valid files load, and give exactly the graph they describe (values parsed from any
  accepted spelling of dates, yes/no values and vocabularies).
- Random corruptions of valid files (bytes flipped, cut, inserted; cells moved) are refused
  with problems (a `LoadError`) or load: never any other exception. Through `intake.load`,
  which is what `icpmap load` and `POST /loads` call.
- Random graphs (any text, numbers, dates) round-trip: load, export (CSV; and a workbook
  when the text allows), load into an empty store: the same checksum.

Examples per test: `ICPMAP_FUZZ_EXAMPLES` (default 12; `make fuzz` runs 2000).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icpmap.graph import Store, open_store
from icpmap.graph.model import VOCABULARIES
from icpmap.loaders import LoadError, intake, load_paths
from icpmap.loaders.control import CONTROL_BYTES
from icpmap.loaders.export import ExportError, checksum, export, read_graph
from icpmap.sample import SAMPLE_DIR

EXAMPLES = int(os.environ.get("ICPMAP_FUZZ_EXAMPLES", "12"))
pytestmark = pytest.mark.timeout(max(300, 3 * EXAMPLES))  # `make fuzz`: 2000 examples a test
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("ICPMAP_FUZZ_RANDOM"),
                suppress_health_check=list(HealthCheck), print_blob=True, database=None)


def _embedded(path: Path) -> Store:
    return open_store(path, engine="ladybug")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    """One store for a module's examples (wiped before each) and a folder for their files."""
    root = tmp_path_factory.mktemp("fuzz")
    store = _embedded(root / "db")
    yield store, root
    store.close()


def _wipe(store: Store) -> None:
    store.write("MATCH (n) DETACH DELETE n")


def _folder(root: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=root))


# -- strategies ------------------------------------------------------------------------------------------

# Text a person might type: any letter, digit, punctuation or space, quotes and separators,
# the odd line break; no control character (a file holding one is refused: loaders/control.py)
# and no lone surrogates.
TEXT_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters=CONTROL_BYTES.decode("ascii"))
text = st.text(TEXT_CHARS, min_size=1, max_size=40).map(str.strip).filter(bool)
code = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters="-_.'\"=+@ ,<>&"),
               min_size=1, max_size=12).map(str.strip).filter(bool)
dates = st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2099, 12, 31))


def date_spelling(day: dt.date, how: int) -> str:
    return (day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d-%b-%y"), day.strftime("%d %B %Y"))[how % 4] \
        if 1969 <= day.year <= 2068 else day.isoformat()  # %y reads 69-99 as 19xx, 00-68 as 20xx


def bool_spelling(value: bool, how: int) -> str:
    return (("true", "yes", "Y", "1", "TRUE") if value else ("false", "no", "N", "0", "False"))[how % 5]


def vocab_spelling(value: str, how: int) -> str:
    return (value, value.upper(), value.replace("_", " ").title(), f"  {value}  ")[how % 4]


@st.composite
def partnership(draw: st.DrawFn) -> dict:
    """A small valid partnership: organisations, boards, memberships, people and their roles."""
    orgs = draw(st.lists(st.tuples(code, text, st.sampled_from(VOCABULARIES["sector"]), st.booleans()),
                         min_size=1, max_size=6, unique_by=lambda o: o[0]))
    boards = draw(st.lists(st.tuples(code, text, st.sampled_from(VOCABULARIES["board_kind"])),
                           min_size=1, max_size=4, unique_by=lambda b: b[0]))
    members = draw(st.lists(st.tuples(st.sampled_from([o[0] for o in orgs]), st.sampled_from([b[0] for b in boards]),
                                      st.sampled_from(VOCABULARIES["membership_role"]), st.none() | dates,
                                      st.none() | dates),
                            max_size=8, unique_by=lambda m: (m[0], m[1], m[3])))
    people = draw(st.lists(st.tuples(code, text, st.none() | text, st.none() | st.sampled_from([o[0] for o in orgs])),
                           max_size=4, unique_by=lambda p: p[0]))
    roles = []
    if people:
        roles = draw(st.lists(st.tuples(st.sampled_from([p[0] for p in people]),
                                        st.sampled_from(VOCABULARIES["person_role"]),
                                        st.sampled_from([b[0] for b in boards]), st.none() | dates),
                              max_size=5, unique_by=lambda r: (r[0], r[2], r[1])))
    codes = [o[0] for o in orgs] + [b[0] for b in boards] + [p[0] for p in people]
    if len(set(codes)) != len(codes):  # a role's target must be one board, not also someone else
        from hypothesis import reject

        reject()
    return {"orgs": orgs, "boards": boards, "members": members, "people": people, "roles": roles,
            "spell": draw(st.integers(0, 1000))}


def write_partnership(p: dict, folder: Path) -> None:
    s = p["spell"]

    def write(name: str, header: list[str], rows: list[list[object]]) -> None:
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(header)
            for row in rows:
                w.writerow(["" if v is None else v for v in row])

    write("organisations", ["code", "name", "sector", "statutory"],
          [[c, n, vocab_spelling(sec, s + i), bool_spelling(st_, s + i)] for i, (c, n, sec, st_) in enumerate(p["orgs"])])
    write("boards", ["code", "name", "kind"], [[c, n, vocab_spelling(k, s + i)] for i, (c, n, k) in enumerate(p["boards"])])
    write("memberships", ["organisation_code", "board_code", "role", "from", "to"],
          [[o, b, r, f and date_spelling(f, s + i), t and date_spelling(t, s + i + 1)]
           for i, (o, b, r, f, t) in enumerate(p["members"])])
    write("people", ["id", "name", "role_title", "organisation_code"], [list(x) for x in p["people"]])
    write("roles", ["person_id", "role", "target_code", "from"],
          [[x, r, b, f and date_spelling(f, s + i)] for i, (x, r, b, f) in enumerate(p["roles"])])


def expected_graph(p: dict) -> dict:
    return {
        "Organisation": sorted([c, n, sec, st_] for c, n, sec, st_ in p["orgs"]),
        "Board": sorted([c, n, k] for c, n, k in p["boards"]),
        "MEMBER_OF": sorted(([o, b, r, f, t] for o, b, r, f, t in p["members"]), key=repr),
        "Person": sorted([c, n, rt] for c, n, rt, _ in p["people"]),
        "WORKS_FOR": sorted([c, o] for c, _, _, o in p["people"] if o),
        "HOLDS": sorted(([x, b, r, f] for x, r, b, f in p["roles"]), key=repr),
    }


def stored_graph(store: Store) -> dict:
    def rows(cypher: str) -> list:
        return store.read(cypher).rows

    return {
        "Organisation": sorted(rows("MATCH (o:Organisation) RETURN o.code, o.name, o.sector, o.statutory")),
        "Board": sorted(rows("MATCH (b:Board) RETURN b.code, b.name, b.kind")),
        "MEMBER_OF": sorted(rows("MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board) "
                                 "RETURN o.code, b.code, m.role, m.`from`, m.`to`"), key=repr),
        "Person": sorted(rows("MATCH (p:Person) RETURN p.id, p.name, p.role_title")),
        "WORKS_FOR": sorted(rows("MATCH (p:Person)-[:WORKS_FOR]->(o:Organisation) RETURN p.id, o.code")),
        "HOLDS": sorted(rows("MATCH (p:Person)-[h:HOLDS]->(b:Board) RETURN p.id, b.code, h.role, h.`from`"), key=repr),
    }


# -- random valid files load ---------------------------------------------------------------------------


@FUZZ
@given(p=partnership())
def test_hypothesis_random_valid_files_load_exactly(scratch: tuple[Store, Path], p: dict) -> None:
    store, root = scratch
    _wipe(store)
    folder = _folder(root)
    write_partnership(p, folder)
    intake.load(store, [folder])
    assert stored_graph(store) == expected_graph(p)
    shutil.rmtree(folder)


# -- CSV dialects ----------------------------------------------------------------------------------------


@FUZZ
@given(orgs=st.lists(st.tuples(code, st.text(st.characters(min_codepoint=32, max_codepoint=255,
                                                              blacklist_characters="\x7f"), min_size=1, max_size=30)
                                   .map(str.strip).filter(bool)), min_size=1, max_size=6, unique_by=lambda o: o[0]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]), newline=st.sampled_from(["\n", "\r\n"]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
       header=st.sampled_from([("code", "name"), ("Code", "Name"), (" CODE ", "name "), ("code", "NAME")]),
       blank_rows=st.integers(0, 3), extra=st.booleans())
def test_hypothesis_csv_dialects_load_the_same(scratch: tuple[Store, Path], orgs: list, encoding: str, newline: str,
                                               quoting: int, header: tuple[str, str], blank_rows: int,
                                               extra: bool) -> None:
    store, root = scratch
    _wipe(store)
    try:
        for c, n in orgs:
            (c + n).encode(encoding)
    except UnicodeEncodeError:
        encoding = "utf-8"
    buffer = io.StringIO()
    w = csv.writer(buffer, lineterminator=newline, quoting=quoting)
    w.writerow([*header, "sector", "statutory", *(["notes"] if extra else [])])
    for c, n in orgs:
        w.writerow([c, n, "voluntary", "yes", *(["ignored"] if extra else [])])
    text = buffer.getvalue() + (",,," + newline) * blank_rows
    folder = _folder(root)
    (folder / "organisations.csv").write_bytes(text.encode(encoding))
    intake.load(store, [folder])
    got = sorted(store.read("MATCH (o:Organisation) RETURN o.code, o.name, o.sector, o.statutory").rows)
    assert got == sorted([c, n, "voluntary", True] for c, n in orgs)
    shutil.rmtree(folder)


# -- random corruptions are reported, never crash --------------------------------------------------------

SMALL = ["ics", "places", "organisations", "boards", "memberships", "people", "roles"]


@st.composite
def corruption(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(SMALL))
    data = bytearray((SAMPLE_DIR / f"{name}.csv").read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "cut", "swap", "special"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif kind == "cut":
            del data[at:]
        elif kind == "swap":
            lines = bytes(data).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
        else:
            data[at:at] = draw(st.sampled_from([b'"', b",", b"\r", b"\n", b'""', b"\xff\xfe", b"\xef\xbb\xbf",
                                                b";", b"\t", b"=1+1", b"\x00"]))
    return name, bytes(data)


def _load_or_refuse(store: Store, paths: list[Path]) -> str:
    try:
        intake.load(store, paths)
        return "loaded"
    except LoadError as exc:
        assert exc.problems and all(p.message and p.file for p in exc.problems)
        return "refused"


@FUZZ
@given(files=st.lists(corruption(), min_size=1, max_size=3, unique_by=lambda f: f[0]))
def test_hypothesis_corrupt_csv_files_are_refused_or_loaded_never_crash(scratch: tuple[Store, Path],
                                                                          files: list[tuple[str, bytes]]) -> None:
    store, root = scratch
    _wipe(store)
    folder = _folder(root)
    for name, data in files:
        (folder / f"{name}.csv").write_bytes(data)
    before = store.counts()
    if _load_or_refuse(store, [folder]) == "refused":
        assert store.counts() == before  # all or nothing
    else:  # what loaded is what the files say: loading them again changes nothing
        after = store.counts()
        assert not intake.load(store, [folder]).changed
        assert store.counts() == after
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def workbook(scratch: tuple[Store, Path]) -> bytes:
    store, root = scratch
    _wipe(store)
    load_paths(store, [SAMPLE_DIR / f"{n}.csv" for n in SMALL])
    export(store, root / "small.xlsx", "xlsx")
    return (root / "small.xlsx").read_bytes()


@FUZZ
@given(data=st.data())
def test_hypothesis_corrupt_workbooks_are_refused_or_loaded_never_crash(scratch: tuple[Store, Path], workbook: bytes,
                                                                          data: st.DataObject) -> None:
    store, root = scratch
    _wipe(store)
    body = bytearray(workbook)
    how = data.draw(st.sampled_from(["bytes", "part"]))
    if how == "bytes":
        for _ in range(data.draw(st.integers(1, 5))):
            at = data.draw(st.integers(0, len(body) - 1))
            body[at] = data.draw(st.integers(0, 255))
        if data.draw(st.booleans()):
            del body[data.draw(st.integers(1, len(body) - 1)):]
    else:  # a well-formed zip whose XML inside is damaged
        source = zipfile.ZipFile(io.BytesIO(workbook))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            victim = data.draw(st.sampled_from(source.namelist()))
            for item in source.namelist():
                part = bytearray(source.read(item))
                if item == victim and part:
                    at = data.draw(st.integers(0, len(part) - 1))
                    part[at:at + data.draw(st.integers(0, 20))] = data.draw(st.binary(max_size=12))
                z.writestr(item, bytes(part))
        body = bytearray(out.getvalue())
    folder = _folder(root)
    (folder / "book.xlsx").write_bytes(bytes(body))
    _load_or_refuse(store, [folder / "book.xlsx"])
    shutil.rmtree(folder)


# -- random graphs round-trip through the export -----------------------------------------------------------

money = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@st.composite
def places_and_deals(draw: st.DrawFn) -> dict:
    """Places with agreements, plans, commissioning (floats) and practices with dated PCN history."""
    p = draw(partnership())
    place = draw(code)
    pcns = draw(st.lists(code, min_size=1, max_size=3, unique=True))
    practices = draw(st.lists(st.tuples(code, text, st.none() | text), min_size=1, max_size=4, unique_by=lambda x: x[0]))
    history = []
    for _ in practices:
        spans = draw(st.lists(st.tuples(st.sampled_from(pcns), st.none() | dates, st.none() | dates), min_size=1,
                              max_size=3, unique_by=lambda s: (s[0], s[1])))
        history.append(spans)
    values = draw(st.lists(money, min_size=1, max_size=3))
    everything = [*(o[0] for o in p["orgs"]), *(b[0] for b in p["boards"]), *(x[0] for x in p["people"]), place,
                  *pcns, *(x[0] for x in practices)]
    if len(set(everything)) != len(everything):
        from hypothesis import reject

        reject()
    return {**p, "place": place, "pcns": pcns, "practices": practices, "history": history, "values": values}


def write_places(d: dict, folder: Path) -> None:
    write_partnership(d, folder)

    def write(name: str, header: list[str], rows: list[list[object]]) -> None:
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(header)
            w.writerows([["" if v is None else (repr(v) if isinstance(v, float) else v) for v in r] for r in rows])

    write("ics", ["code", "name"], [["ICS1", "An ICS"]])
    write("places", ["code", "name", "ics_code"], [[d["place"], "A Place", "ICS1"]])
    write("pcns", ["code", "name"], [[c, f"PCN {i}"] for i, c in enumerate(d["pcns"])])
    rows = []
    for (c, n, post), spans in zip(d["practices"], d["history"]):
        # dated rows first: a load gives a dated row to an undated membership of the same PCN
        for pcn, f, t in sorted(spans, key=lambda s: s[1] is None):
            rows.append([c, n, pcn, post, d["place"], f, t])
    write("practices", ["code", "name", "pcn_code", "postcode", "place_code", "from", "to"], rows)
    write("commissioning", ["code", "name", "kind", "place_code", "value_gbp", "partner_codes"],
          [[f"COM{i}", "Deal", "pooled_budget", d["place"], v, d["orgs"][0][0] if ";" not in d["orgs"][0][0] else ""]
           for i, v in enumerate(d["values"])])


@FUZZ
@given(d=places_and_deals())
def test_property_random_graphs_round_trip_through_the_export(scratch: tuple[Store, Path], d: dict) -> None:
    store, root = scratch
    _wipe(store)
    folder = _folder(root)
    write_places(d, folder)
    try:
        intake.load(store, [folder])
    except LoadError as exc:  # e.g. two undated spans that the loader folds into one: not a valid input
        # A refusal is of the practices' history only, names its row and column, and writes nothing.
        assert exc.problems and all(Path(p.file).name == "practices.csv" and p.row and p.column
                                    for p in exc.problems), [str(p) for p in exc.problems]
        assert not any(store.counts().values())
        shutil.rmtree(folder)
        return
    want = checksum(read_graph(store))
    export(store, folder / "csv", "csv")
    try:
        export(store, folder / "book.xlsx", "xlsx")
        formats = [folder / "csv", folder / "book.xlsx"]
    except ExportError as exc:  # only text a workbook cannot hold
        assert "workbook" in str(exc)
        formats = [folder / "csv"]
    for source in formats:
        _wipe(store)
        intake.load(store, [source])
        assert checksum(read_graph(store)) == want, source.name
    shutil.rmtree(folder)
