"""Units of scripts/test-summary.py, which writes `make test`'s closing line."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "test-summary.py"
spec = importlib.util.spec_from_file_location("test_summary_script", SCRIPT)
summary = importlib.util.module_from_spec(spec)
spec.loader.exec_module(summary)

JUNIT = """<?xml version="1.0"?>
<testsuites><testsuite name="pytest" tests="7" failures="1" errors="1" skipped="2"/></testsuites>"""
ODOO_LOG = """2026-11-23 10:40:33,160 4818 INFO db odoo.addons.x: skipped TestX.test_y : no token
2026-11-23 10:40:33,225 4818 ERROR db odoo.tests.result: 2 failed, 1 error(s) of 26 tests when loading db
"""


def _write(tmp_path, junit=JUNIT, log=ODOO_LOG):
    (tmp_path / "p.xml").write_text(junit)
    (tmp_path / "o.log").write_text(log)
    return str(tmp_path / "p.xml"), str(tmp_path / "o.log")


def test_counts_from_both_suites(tmp_path, capsys):
    junit, log = _write(tmp_path)
    assert summary.main(junit, log) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "pytest: 3 passed, 2 failed, 2 skipped"
    assert out[1] == "odoo: 22 passed, 3 failed, 1 skipped"
    assert out[-1] == "25 passed, 5 failed, 3 skipped"


def test_all_green_exits_zero(tmp_path, capsys):
    junit, log = _write(
        tmp_path,
        junit='<testsuite tests="4" failures="0" errors="0" skipped="0"/>',
        log="x INFO db odoo.tests.result: 0 failed, 0 error(s) of 9 tests when loading database 'db'\n",
    )
    assert summary.main(junit, log) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "13 passed, 0 failed"


def test_a_suite_that_did_not_finish_is_a_failure(tmp_path, capsys):
    junit, log = _write(tmp_path, log="Traceback: the module did not install\n")
    assert summary.main(junit, log) == 1
    out = capsys.readouterr().out
    assert "odoo: no result reported" in out
    assert out.splitlines()[-1] == "3 passed, 3 failed, 2 skipped"


def test_each_failed_check_counts_as_a_failure(tmp_path, capsys):
    junit, log = _write(
        tmp_path,
        junit='<testsuite tests="1" failures="0" errors="0" skipped="0"/>',
        log="x odoo.tests.result: 0 failed, 0 error(s) of 1 tests when loading database 'db'\n",
    )
    assert summary.main(junit, log, "lint", "demo data") == 1
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["lint: failed", "demo data: failed"]
    assert out[-1] == "2 passed, 2 failed"
