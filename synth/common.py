"""What the parts of the generator share: the scales, random streams, allocation, dates."""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, replace

import numpy as np

# As in the bundled sample, every date is on/before PAST_END or on/after FUTURE, so the
# reports give the same answers for any as-at date from 2022-07-01 to 2030-03-31.
PAST_END = "2022-06-30"
FUTURE = "2030-04-01"
FUTURE_EVE = "2030-03-31"
REF = "2025-01-01"  # an as-at date inside that window: what "current" means here
MOU_DUE = "2021-09-30"
LEAD_DUE = "2021-12-31"


@dataclass(frozen=True)
class Scale:
    """Target sizes. Counts of entities; `registrations` and `organisations` are rows."""

    name: str
    ics: int
    places: int
    neighbourhoods: int
    pcns: int
    practices: int
    areas: int
    registrations: int
    organisations: int

    def slice(self, name: str, places: int) -> Scale:
        """The same density per Place, for `places` Places of one ICS."""
        f = places / self.places
        return replace(
            self, name=name, ics=1, places=places,
            neighbourhoods=round(self.neighbourhoods * f), pcns=max(places, round(self.pcns * f)),
            practices=round(self.practices * f), areas=round(self.areas * f),
            registrations=round(self.registrations * f), organisations=round(self.organisations * f),
        )


ENGLAND = Scale("england", ics=42, places=300, neighbourhoods=1500, pcns=1250, practices=6500,
                areas=33_000, registrations=1_000_000, organisations=20_000)
SCALES: dict[str, Scale] = {
    "england": ENGLAND,
    "region": ENGLAND.slice("region", 7),
    "place": ENGLAND.slice("place", 1),
}


def stream(seed: int, part: str) -> np.random.Generator:
    """An independent random stream per part, so that changing one part leaves the others alone."""
    return np.random.default_rng([seed & 0xFFFFFFFF, seed >> 32, zlib.crc32(part.encode())])


def alloc(total: int, weights: np.ndarray, minimum: int = 0, caps: np.ndarray | None = None) -> np.ndarray:
    """Split `total` into integers proportional to `weights` (largest remainders), each at
    least `minimum` and at most its cap; the sum is `total` unless the caps do not allow it."""
    w = np.asarray(weights, dtype=float)
    n = len(w)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    cap = np.full(n, np.iinfo(np.int64).max, dtype=np.int64) if caps is None else np.asarray(caps, dtype=np.int64)
    out = np.minimum(np.full(n, minimum, dtype=np.int64), cap)
    rest = total - int(out.sum())
    while rest > 0:
        room = cap - out
        ww = np.where(room > 0, w, 0.0)
        if ww.sum() <= 0:
            break
        raw = rest * ww / ww.sum()
        add = np.floor(raw).astype(np.int64)
        short = rest - int(add.sum())
        if short > 0:
            add[np.argsort(-(raw - add), kind="stable")[:short]] += 1
        add = np.minimum(add, room)
        if add.sum() == 0:
            break
        out += add
        rest = total - int(out.sum())
    return out


def pick(rng: np.random.Generator, n: int, frac: float, at_least: int = 0) -> np.ndarray:
    """A boolean mask choosing exactly round(frac * n) of n items (at least `at_least`)."""
    k = min(n, max(at_least, round(frac * n)))
    mask = np.zeros(n, dtype=bool)
    mask[rng.choice(n, size=k, replace=False)] = True
    return mask


def day(d: str) -> dt.date:
    return dt.date.fromisoformat(d)


def rand_date(rng: np.random.Generator, start: str, end: str) -> str:
    a, b = day(start), day(end)
    return (a + dt.timedelta(days=int(rng.integers(0, (b - a).days + 1)))).isoformat()


def shift(d: str, days: int) -> str:
    return (day(d) + dt.timedelta(days=days)).isoformat()


def is_current(frm: str, to: str, on: str = REF) -> bool:
    return (not frm or frm <= on) and (not to or to >= on)
