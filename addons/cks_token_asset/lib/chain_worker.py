"""Verifies one slice of the custody chain in a process of its own.

The parent (``cks.custody.event._verify_chain``) exports its transaction's snapshot with
``pg_export_snapshot()`` and starts one worker per extra slice::

    python chain_worker.py   < {"connect": {...psycopg2 keywords...}, "snapshot": "...",
                                "first": 500001, "last": null}

The worker opens a read-only REPEATABLE READ transaction on that snapshot (so it sees exactly
the rows the parent sees), verifies its slice with :func:`custody_chain.verify_cursor` (as the
parent does its own) and writes the pickled :meth:`custody_chain.SliceResult.to_plain` (plain
data: builtins and an ``array``) to stdout.  The connection
parameters come on stdin, never on the command line.  Standard library and psycopg2 only.

The worker's stdout is an anonymous in-memory file (``memfd``), not a pipe: the parent is busy
verifying its own slice when the worker finishes, and a pipe would hold the worker at its first
64 KiB until the parent came to read, then make the parent wait for the rest (about 0.1 s at
100,000 devices).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import IO, Any

WORKER = os.path.abspath(__file__)


@dataclass
class Worker:
    """A started worker: its process and the file its result is written into."""

    process: subprocess.Popen
    output: IO[bytes]


def _scratch() -> IO[bytes]:
    """An unnamed file for a worker's result: in memory where the system has ``memfd``."""
    try:
        return os.fdopen(os.memfd_create("cks-custody-slice", os.MFD_CLOEXEC), "w+b")
    except (AttributeError, OSError):
        return tempfile.TemporaryFile()


def start(connect: dict[str, Any], snapshot: str, first: int | None, last: int | None) -> Worker:
    """Start a worker on ``first..last``; collect it with :func:`collect`."""
    output = _scratch()
    try:
        process = subprocess.Popen(
            [sys.executable, WORKER], stdin=subprocess.PIPE, stdout=output, stderr=subprocess.PIPE
        )
    except BaseException:
        output.close()
        raise
    process.stdin.write(json.dumps({"connect": connect, "snapshot": snapshot, "first": first, "last": last}).encode())
    process.stdin.close()
    process.stdin = None  # communicate() must not touch it again
    return Worker(process, output)


def stop(worker: Worker) -> None:
    """End a worker whose result is no longer wanted (the parent failed before collecting it)."""
    process = worker.process
    if process.poll() is None:
        process.kill()
        process.wait()
    if process.stderr is not None:
        process.stderr.close()
    worker.output.close()


def collect(worker: Worker, timeout: float | None = None) -> tuple[dict[str, Any] | None, str]:
    """(the slice's plain result, "") or (None, the worker's error output)."""
    process, output = worker.process, worker.output
    with output:
        try:
            _out, err = process.communicate(timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as exc:
            stop(worker)
            return None, str(exc)
        if process.returncode != 0:
            return None, err.decode(errors="replace")[-2000:] or f"exit status {process.returncode}"
        try:
            output.seek(0)
            return pickle.load(output), ""
        except (pickle.UnpicklingError, EOFError, ValueError, OSError) as exc:
            return None, f"unreadable result: {exc}"


def main() -> None:
    import psycopg2  # noqa: PLC0415 (only the worker needs it)
    import psycopg2.extensions  # noqa: PLC0415

    sys.path.insert(0, os.path.dirname(WORKER))
    import custody_chain as chain  # noqa: PLC0415

    params = json.load(sys.stdin)
    connection = psycopg2.connect(**params["connect"])
    try:
        connection.set_session(isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ, readonly=True)
        connection.set_client_encoding("UTF8")
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [params["snapshot"]])
            result = chain.verify_cursor(cursor, params["first"], params["last"])
        connection.rollback()
    finally:
        connection.close()
    pickle.dump(result.to_plain(), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main()
