"""File names of what icpmap writes for a Place or an ICS: the name a person looks for, and the code.

`place-liverpool-E08000012.html` sorts by name in a folder listing and still says which Place
it is when two share a name. The name is slugified (ASCII letters and digits, `-`), the code
kept as given (percent-quoted if it holds anything a file name cannot).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

SLUG_MAX = 48


def slug(text: str | None) -> str:
    """`St Helens` -> `st-helens`, `Ynys Môn` -> `ynys-mon`; '' when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode("ascii")
    cut = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:SLUG_MAX]
    return cut.strip("-")


def stem(prefix: str, code: str, name: str | None = None) -> str:
    """`prefix-name-code`, or `prefix-code` when there is no name to show."""
    words = [prefix, slug(name), quote(str(code), safe="")]
    return "-".join(w for w in words if w)


def file_name(prefix: str, code: str, name: str | None, suffix: str) -> str:
    """`stem(...)` with an extension: `file_name("place", "E08000012", "Liverpool", "html")`."""
    return f"{stem(prefix, code, name)}.{suffix.lstrip('.')}"


__all__ = ["file_name", "slug", "stem"]
