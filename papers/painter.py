"""Drawing a paper's pictures in other processes, started before the store is opened.

A paper's time goes on reading the facts (the query engine), importing the drawing libraries
(matplotlib, networkx: about a second), drawing, and writing the file. `Painter` forks its
workers first: they import the drawing libraries while this process reads the facts, then
draw the pictures from the facts they are sent: each Place's diagram and map as soon as they
are read (before the reports), the charts once the reports are read, while this process reads
on and imports the writer; so a Place profile uses two cores instead of one. The workers are
forked before any store is open and are sent nothing but facts (pickled), so no database
handle crosses a fork.

Linux only (fork); elsewhere, or when the workers fail, the pictures are drawn in this
process, as `compose` does without a painter. The pictures are the same either way.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import Prepared


def _preload() -> None:
    """In a worker, at start: what drawing needs, imported and warmed up once."""
    import matplotlib.backends.backend_agg
    import matplotlib.figure  # noqa: F401
    import networkx  # noqa: F401
    from matplotlib.font_manager import FontProperties, fontManager, get_font
    from PIL import Image  # noqa: F401

    from ..visualise import map_image, static  # noqa: F401
    from . import figures  # noqa: F401

    get_font(fontManager._find_fonts_by_props(FontProperties()))  # the font file, opened once
    gc.freeze()  # the libraries' objects live as long as the worker: the collector need not scan them


def _ready() -> int:
    return os.getpid()


def _graph(name: str, as_at: Any, graph: Any, map_data: Any) -> dict[str, Any]:
    from .figures import graph_pictures

    return graph_pictures(name, as_at, graph, map_data)


def _charts(place: Any, expected: list[str]) -> dict[str, Any]:
    from .figures import chart_pictures

    return chart_pictures(place, expected)


def _ics(ics: Any) -> dict[str, Any]:
    from .figures import ics_pictures

    return ics_pictures(ics)


def _without_pictures(place: Any) -> Any:
    """A Place's facts without its diagram graph and map (drawn by their own job)."""
    return replace(place, graph=None, map=None)


class Drawing:
    """The pictures being drawn for one paper: `result()` waits for them."""

    def __init__(self, prepared: Prepared, places: dict[str, list[Future[Any]]], ics: Future[Any] | None) -> None:
        self.prepared, self._places, self._ics = prepared, places, ics

    def result(self) -> dict[str, Any]:
        """{"places": {code: {name: Figure | None}}, "ics": {name: Figure | None} | None}"""
        from . import draw

        try:
            places = {}
            for code, parts in self._places.items():
                places[code] = {}
                for part in parts:
                    places[code].update(part.result())
            return {"places": places, "ics": self._ics.result() if self._ics is not None else None}
        except BrokenProcessPool:  # a worker died (e.g. out of memory): draw here instead
            return draw(self.prepared)


class Painter:
    """Worker processes that draw a paper's pictures (see the module's docstring).

        with Painter(workers=1) as painter:           # before the store is opened
            with open_store(...) as store:
                prepared = prepare(store, place=..., painter=painter)  # diagrams and maps start here
            drawing = painter.draw(prepared)           # then the charts
            ...                                        # this process does something else meanwhile
            doc = compose(prepared, drawn=drawing.result())
    """

    def __init__(self, workers: int = 1) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._early: dict[tuple[str, Any], Future[Any]] = {}  # (Place, as-at date) -> its diagram and map
        if workers >= 1 and sys.platform.startswith("linux"):
            # what both processes need, imported once, before the fork: the workers inherit it
            import numpy  # noqa: F401
            from PIL import Image  # noqa: F401

            from ..visualise import mapdata  # noqa: F401
            from . import content, facts, figures  # noqa: F401

            gc.freeze()  # as Python's docs advise before a fork: shared pages stay shared, fewer collector passes
            self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_preload)
            self._pool.submit(_ready)  # forks every worker now, so they import while the store is read

    def early(self, code: str, name: str, as_at: Any, graph: Any, map_data: Any) -> None:
        """Start drawing a Place's diagram and map (`facts.gather(on_graph=)` calls this as soon as they are read)."""
        if self._pool is not None:
            try:
                self._early[(code, as_at)] = self._pool.submit(_graph, name, as_at, graph, map_data)
            except BrokenProcessPool:
                pass  # drawn with the rest

    def draw(self, prepared: Prepared) -> Drawing:
        """Start drawing every picture of the paper not started yet; without workers, draw them now."""
        from . import draw

        if self._pool is None:
            return _Done(prepared, draw(prepared))
        expected = list(prepared.settings.expected_sectors)
        places = [prepared.facts] if prepared.kind == "place" else prepared.facts.places
        try:
            # the ICS's own pictures first (its map is the largest), then each Place's
            whole = None
            if prepared.kind == "ics":  # its Places' diagrams and maps are not sent again
                ics = prepared.facts
                whole = self._pool.submit(_ics, replace(ics, places=[_without_pictures(p) for p in ics.places]))
            jobs = {}
            for p in places:
                graph = self._early.pop((p.code, p.as_at), None) or self._pool.submit(
                    _graph, p.name, p.as_at, p.graph, p.map)
                jobs[p.code] = [graph, self._pool.submit(_charts, _without_pictures(p), expected)]
            return Drawing(prepared, jobs, whole)
        except BrokenProcessPool:
            return _Done(prepared, draw(prepared))

    def close(self, cancel: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=cancel)
            self._pool = None

    def __enter__(self) -> Painter:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        self.close(cancel=kind is not None)


class _Done(Drawing):
    def __init__(self, prepared: Prepared, drawn: dict[str, Any]) -> None:
        super().__init__(prepared, {}, None)
        self._drawn = drawn

    def result(self) -> dict[str, Any]:
        return self._drawn


__all__ = ["Drawing", "Painter"]
