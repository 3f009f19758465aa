"""icpmap.safety: what keeps the data accountable — the load audit and the right to erasure.

`audit` records every load, copy and erasure (who, when, which files); `erasure` forgets a
person (`icpmap forget`) and rebuilds the embedded store so the name leaves the disk too.
"""
