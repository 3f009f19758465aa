"""`icpmap`'s service under uvicorn in a child process on a free loopback port, as the API
benchmarks run it: ready once /health answers, stopped (and its stderr returned) at the end."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ACCESS_LOG = re.compile(r'^INFO: +\S+ - "')  # uvicorn's line per request, e.g. INFO:  127.0.0.1:5 - "GET / HTTP/1.1" 200 OK


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChildServer:
    """Runs `python -c script *args` where `args` holds the literal "{port}" for the chosen port.
    The embedded engine's runs never see the Neo4j variables, so they cannot reach a server."""

    def __init__(self, script: str, args: list[str], engine: str = "ladybug", start_timeout: float = 90) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if engine == "neo4j" or not k.startswith("ICPMAP_NEO4J")}
        argv = [a.replace("{port}", str(self.port)) for a in args]
        # stderr to a file: the access log writes a line per request, which would fill a pipe
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by stop()
        self.proc = subprocess.Popen([sys.executable, "-c", script, *argv], env=env,
                                     stdout=subprocess.DEVNULL, stderr=self._stderr)
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                err = self.stop()
                raise RuntimeError(f"the API server did not start: {err[-2000:]}")
            time.sleep(0.1)

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user + system, every thread): a loaded
        machine slows a request's wall time, much less the work it does."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> str:
        """Stop the server; returns what it wrote on stderr but its access log (tracebacks would be there)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._stderr.closed:
            return ""
        self._stderr.seek(0)
        lines = self._stderr.read().decode("utf-8", "replace").splitlines(keepends=True)
        self._stderr.close()
        return "".join(line for line in lines if not ACCESS_LOG.match(line))

    def __enter__(self) -> ChildServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
