"""The worker process that verifies a slice of the custody chain: failures come back as a
message (the parent then verifies the slice itself), and a worker the parent gives up on is
ended, not left running."""

import os

from cks_token_asset_lib import chain_worker


def test_a_worker_that_cannot_connect_reports_why():
    missing = os.path.join(os.path.dirname(__file__), "no-such-socket-dir")
    worker = chain_worker.start({"host": missing, "dbname": "cks_none"}, "00000003-00000002-1", None, 10)
    plain, error = chain_worker.collect(worker, timeout=60)
    assert plain is None
    assert "no-such-socket-dir" in error  # psycopg2's own message names where it tried
    assert worker.process.returncode not in (None, 0)
    assert worker.output.closed


def test_a_worker_given_up_on_is_stopped_and_its_file_closed():
    worker = chain_worker.start({"dbname": "cks_none"}, "00000003-00000002-1", 1, None)
    chain_worker.stop(worker)
    assert worker.process.returncode is not None  # ended and reaped, not left behind
    assert worker.output.closed
    chain_worker.stop(worker)  # a second stop is harmless


def test_a_worker_past_its_time_is_stopped_and_reported():
    worker = chain_worker.start({"dbname": "cks_none"}, "00000003-00000002-1", 1, None)
    plain, error = chain_worker.collect(worker, timeout=0.001)  # still starting Python
    assert plain is None
    assert "timed out" in error
    assert worker.process.returncode is not None
    assert worker.output.closed
