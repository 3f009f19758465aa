"""Benchmarks: each figure printed beside a reference measured in the same run.

Each `bench_*.py` module has `run(quick: bool = False) -> list[dict]` returning rows
`{name, value, unit, reference, ratio, target, ok}`; `python -m benchmarks` runs them all.
"""
