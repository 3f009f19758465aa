"""`icpmap map`: a Place, an ICS or a PCN on a map (offline HTML, or PNG/SVG for papers)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.text import Text

from .app import app, console, fail, state
from .visual_cmds import AS_AT, DEFAULT_OUT, _date

MAP_FORMATS = ("html", "png", "svg")


@app.command("map")
def map_command(
    place: str = typer.Option(None, "--place", help="A Place's ONS code, e.g. E08000012."),
    ics: str = typer.Option(None, "--ics", help="An ICS code: every Place of the system."),
    pcn: str = typer.Option(None, "--pcn", help="A PCN's ODS code: its patient footprint."),
    output: Path = typer.Option(None, "--output", "-o",
                                help="File to write (default: icpmap-demo/maps/SCOPE-NAME-CODE.html, or .png/.svg)."),
    fmt: str = typer.Option(None, "--format", "-f",
                            help="html (interactive, offline), png or svg (static, for papers). "
                                 "Default: from the file's extension, else html."),
    footprint: str = typer.Option(None, "--footprint",
                                  help="Show this PCN's patient footprint (a PCN of the map; --pcn shows its own)."),
    as_at: str = AS_AT,
    dpi: int = typer.Option(150, "--dpi", min=50, max=600, help="png: dots per inch of the A4 page (300 to print)."),
    diagram_link: str = typer.Option(None, "--diagram-link",
                                     help="Where the page links to the network diagram (default: "
                                          "../diagrams/SCOPE-NAME-CODE.html, as `icpmap demo` lays them out; "
                                          "'none' for no link)."),
) -> None:
    """Draw a Place, ICS or PCN on a map: boundaries, neighbourhoods, practices by PCN, a PCN's footprint."""
    given = {k: v for k, v in {"place": place, "ics": ics, "pcn": pcn}.items() if v}
    if len(given) != 1:
        fail("Give exactly one of --place, --ics or --pcn.")
    suffix = output.suffix.lstrip(".").lower() if output is not None else ""
    chosen = (fmt or (suffix if suffix in MAP_FORMATS else "html")).strip().lower()
    if chosen not in MAP_FORMATS:
        fail(f"--format must be one of {', '.join(MAP_FORMATS)}; got {fmt!r}.")
    if output is not None and suffix in MAP_FORMATS and suffix != chosen:
        fail(f"--format {chosen} does not match the file name {output.name}.")
    from ..visualise.map_page import file_stem_name
    from ..visualise.mapdata import build_map

    with state.store(read_only=True) as store:
        data = build_map(store, as_at=_date(as_at), select=footprint, **given)
    path = output or DEFAULT_OUT / "maps" / file_stem_name(data, chosen)
    if chosen == "html":
        from ..visualise.html import safe_href
        from ..visualise.map_page import diagram_link as default_link
        from ..visualise.map_page import write_map_html

        links = []
        if (diagram_link or "").strip().lower() != "none":
            link = default_link(data)
            if diagram_link:
                if safe_href(diagram_link) is None:
                    fail("--diagram-link must be a relative link or a path on this site (no scheme, no host).")
                link["href"] = diagram_link
            links.append(link)
        write_map_html(data, path, links)
    else:
        from ..visualise.map_image import write_map_image

        write_map_image(data, path, chosen, dpi=dpi)
    drawn = len(data.drawn_areas())
    console.print(Text(f"Wrote {data.title}: {drawn} Areas, {len(data.located_practices())} practices, "
                       f"{len(data.pcns)} PCNs ({len(data.not_coterminous())} not coterminous) as {chosen} to {path}"))
    for note in data.notes:
        console.print(Text(f"Note: {note}"))
