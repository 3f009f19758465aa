"""mutmut's command line, with one change to its operators: prose is not mutated.

mutmut turns every string literal into three mutants ("XX…XX", lower case, upper case).
For the messages people read ("The API key is not valid, or has been revoked.") that is
wording, not behaviour: tests assert the facts a message carries (the file, row, column,
value, the status code), not its case. So a literal of three words or more is left alone;
codes, roles, headers, formats and every other short string are still mutated.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

import libcst as cst
from mutmut.mutation import mutators

_original = mutators.operator_string


def _is_prose(node: cst.BaseString) -> bool:
    try:
        value = node.evaluated_value if isinstance(node, cst.SimpleString) else None
    except Exception:
        return False
    return isinstance(value, str) and len(value.split()) >= 3


def operator_string(node: cst.BaseString) -> Iterable[cst.BaseString]:
    if _is_prose(node):
        return
    yield from _original(node)


for i, (kind, operator) in enumerate(mutators.mutation_operators):
    if operator is _original:
        mutators.mutation_operators[i] = (kind, operator_string)

if __name__ == "__main__":
    from mutmut.__main__ import cli

    sys.argv[0] = "mutmut"
    sys.exit(cli())
