"""`python -m icpmap.docs [--check]`: write the generated reference pages, or check them."""

from __future__ import annotations

import argparse
import sys

from .reference import PAGES, stale, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m icpmap.docs", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail (exit 1) when a generated page is stale")
    args = parser.parse_args(argv)
    if args.check:
        behind = stale()
        for name in behind:
            print(f"docs/{name} is stale: run `python -m icpmap.docs` (or `make docs`)", file=sys.stderr)
        if not behind:
            print(f"{len(PAGES)} generated pages are current.")
        return 1 if behind else 0
    changed = write()
    print(f"Wrote {len(changed)} of {len(PAGES)} generated pages" + (f": {', '.join(changed)}" if changed else "."))
    return 0


if __name__ == "__main__":
    sys.exit(main())
