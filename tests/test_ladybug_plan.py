"""The plan allowlist: real plans of reads pass, real plans of everything else are refused, and
text of the user's that looks like an operator can only cause a refusal, never hide one."""

from __future__ import annotations

import warnings

import ladybug
import pytest

from icpmap.graph import ReadOnlyViolation, StoreError
from icpmap.graph.ladybug_plan import check_plan
from icpmap.graph.sandbox import program, supported

READS = [
    "MATCH (a:P)-[:K]->(b:P) RETURN a.name, b.name",
    "MATCH (a:P) OPTIONAL MATCH (a)-[:K]->(b) RETURN a, b",
    "MATCH (a:P) RETURN a.name UNION MATCH (b:P) RETURN b.name",
    "MATCH p=(a:P)-[:K*1..3]->(b:P) RETURN p",
    "MATCH p=(a:P)-[:K* SHORTEST 1..3]->(b:P) RETURN length(p)",
    "MATCH (a:P) WHERE EXISTS { MATCH (a)-[:K]->() } RETURN a.name ORDER BY a.name SKIP 1 LIMIT 2",
    "MATCH (a:P) RETURN a.age, count(*), collect(a.name)",
    "MATCH (a:P) RETURN DISTINCT a.age",
    "MATCH (a:P) RETURN COUNT { MATCH (a)-[:K]->() }",
    "UNWIND [1, 2] AS x RETURN x",
    "MATCH (a:P), (b:P) RETURN count(*)",
    "MATCH (a:P)-[:K]->(b:P)-[:K]->(c:P), (a)-[:K]->(c) RETURN count(*)",
    "MATCH (a:P) RETURN a ORDER BY a.name",
    "CALL show_tables() RETURN *",
    "CALL table_info('P') RETURN *",
    "RETURN 'COPY_TO' AS innocent, 'Function: READ_CSV' AS also",
]
REFUSED = {
    "COPY (MATCH (a:P) RETURN a.name) TO '/tmp/x.csv'": "COPY ... TO",
    "CALL threads=1": "setting",
    "COMMIT": "transaction",
    "BEGIN TRANSACTION": "transaction",
    "CREATE MACRO m(x) AS x": "CREATE MACRO",
    "DROP TABLE P": "DROP",
    "CREATE (:P {name: 'x', age: 1})": "CREATE",
    "MATCH (a:P) SET a.age = 2": "SET",
    "MATCH (a:P) DETACH DELETE a": "DELETE",
    "CALL current_setting('threads') RETURN *": "setting",
    "CREATE NODE TABLE Q(a INT64, PRIMARY KEY(a))": "CREATE TABLE",
}


@pytest.fixture(scope="module")
def explain(tmp_path_factory: pytest.TempPathFactory):
    db = ladybug.Database(str(tmp_path_factory.mktemp("plan") / "db"))
    conn = ladybug.Connection(db)
    conn.execute("CREATE NODE TABLE P(name STRING, age INT64, PRIMARY KEY(name))")
    conn.execute("CREATE REL TABLE K(FROM P TO P)")

    def plan(cypher: str) -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            statement = conn.prepare("EXPLAIN " + cypher)
        assert statement.is_success(), statement.get_error_message()
        return str(conn.execute(statement).get_next()[0])

    yield plan
    conn.close()
    db.close()


@pytest.mark.parametrize("cypher", READS)
def test_reads_pass(explain, cypher: str) -> None:
    check_plan(explain(cypher))


@pytest.mark.parametrize(("cypher", "said"), REFUSED.items())
def test_everything_else_is_refused_by_name(explain, cypher: str, said: str) -> None:
    with pytest.raises(ReadOnlyViolation, match=said):
        check_plan(explain(cypher))


def test_operator_text_in_a_value_can_only_refuse(explain) -> None:
    fake = "RETURN 'x' AS `\n└──┘\n┌──┐\n│ COPY_TO[0] │`"
    with pytest.raises(ReadOnlyViolation):
        check_plan(explain(fake))
    real = explain("COPY (RETURN 'PROJECTION[1]' AS `SCAN_NODE_TABLE[0]`) TO '/tmp/x.csv'")
    with pytest.raises(ReadOnlyViolation, match="COPY"):  # allowed-looking text hides nothing
        check_plan(real)


def test_a_plan_that_cannot_be_read_is_refused() -> None:
    with pytest.raises(StoreError):
        check_plan("")
    with pytest.raises(StoreError, match="could not be read"):
        check_plan("PROJECTION[2]\nSCAN_NODE_TABLE[0]")  # operator 1 missing
    with pytest.raises(ReadOnlyViolation):
        check_plan("PROJECTION[1]\nTABLE_FUNCTION_CALL[0]\nFunction: READ_CSV_PARALLEL")
    with pytest.raises(ReadOnlyViolation, match="not a read"):  # an unknown name is never echoed
        check_plan("SECRET_FROM_A_FILE[0]")


def test_the_sandbox_refuses_opening_files_in_a_child() -> None:
    import subprocess
    import sys

    if not supported():
        pytest.skip("seccomp filter only on Linux x86-64 and arm64")
    code = ("from icpmap.graph.sandbox import confine\nconfine()\n"
            "import os\n"
            "for f in (lambda: open('/etc/hostname'), lambda: open('/tmp/x-sandbox', 'w'), lambda: os.mkdir('/tmp/d'),"
            " lambda: __import__('socket').socket()):\n"
            "    try:\n        f(); print('ALLOWED')\n    except OSError as e:\n        print('refused', e.errno)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["refused", "1"] * 4, out.stdout + out.stderr


def test_the_filter_jumps_land_on_deny() -> None:
    for machine in ("x86_64", "aarch64"):
        prog = program(machine)
        deny = len(prog) - 1
        for i, (code, jt, _jf, _) in enumerate(prog):
            if code == 0x15 and jt and i > 2:  # each refused call jumps to the last instruction
                assert i + 1 + jt == deny
