"""What every self-contained page icpmap writes shares: escaping, inlining and the CSP by hash.

The diagram (`page.py`) and the map (`map_page.py`) are Jinja2 templates with autoescape on;
their data travels as JSON in a `<script type="application/json">` block (`script_json`:
`<`, `>`, `&`, U+2028 and U+2029 escaped), their scripts and styles are inlined
(`inline_safe`), and their Content-Security-Policy (`page_csp`) allows only those scripts,
by hash, and no network at all: nothing in the data can run or fetch.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from typing import Any

from jinja2 import Environment


def inline_safe(text: str, tag: str) -> str:
    """Text to put inside <script>/<style>: no closing tag, no source-map fetch hint."""
    text = re.sub(r"^\s*//# sourceMappingURL=.*$", "", text, flags=re.MULTILINE)
    text = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", text)
    if re.search(rf"</{tag}", text, flags=re.IGNORECASE) or "<!--" in text:
        raise ValueError(f"asset cannot be inlined in <{tag}>")
    return text


def script_json(value: Any) -> str:
    """JSON that is safe inside <script>: no `<`, `>`, `&` or line separators left raw."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return (
        text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def sha256(text: str) -> str:
    """A CSP source expression allowing exactly this inline script."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def page_csp(*scripts: str) -> str:
    """The policy of an offline page: its own inline scripts (by hash), inline styles, data: and
    blob: images (saving a picture), and nothing fetched, posted or embedded."""
    return "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(f"'{sha256(s)}'" for s in scripts),
        "style-src 'unsafe-inline'",
        "img-src data: blob:",
        "font-src data:",
        "connect-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "object-src 'none'",
    ])


def safe_href(href: str) -> str | None:
    """A link to another page of the same output (relative, or a path on this site), else None:
    never a scheme (`javascript:`, `https:`) or another host (`//host`)."""
    href = href.strip()
    if (not href or href.startswith("//") or "\\" in href or re.search(r"[\x00-\x20\x7f]", href)
            or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", href)):  # browsers drop tabs and newlines: `java\tscript:`
        return None
    return href


def links(given: list[dict[str, str]] | None) -> list[dict[str, str]]:
    """The links a page shows: [{label, href}], those whose href is not safe left out."""
    return [{"label": link["label"], "href": h} for link in (given or [])
            if (h := safe_href(link.get("href", ""))) is not None]


@cache
def environment() -> Environment:
    """The one Jinja2 environment of the offline pages: autoescape on."""
    return Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)


def template(text: str) -> Any:
    return environment().from_string(text)


__all__ = ["environment", "inline_safe", "links", "page_csp", "safe_href", "script_json", "sha256", "template"]
