"""Adds up pytest's JUnit report and Odoo's test log into one closing line.

usage: test-summary.py PYTEST_JUNIT_XML ODOO_LOG [FAILED_CHECK ...]
Prints per-suite lines, then `N passed, N failed[, N skipped]`; exits 1 when
anything failed or a suite did not report at all. Each FAILED_CHECK (e.g.
"lint") names a check outside both suites that failed; it counts as one
failure.
"""

import re
import sys
import xml.etree.ElementTree as ET

ODOO_RESULT = re.compile(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests")


def pytest_counts(path):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    return total - failed - skipped, failed, skipped


def odoo_counts(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            log = f.read()
    except OSError:
        return None
    matches = ODOO_RESULT.findall(log)
    if not matches:
        return None
    failures, errors, total = map(int, matches[-1])
    skipped = len(re.findall(r" INFO .*: skipped ", log))  # OdooTestResult.addSkip
    return total - failures - errors - skipped, failures + errors, skipped


def main(junit, odoo_log, *failed_checks):
    passed = failed = skipped = 0
    ok = True
    for check in failed_checks:
        print(f"{check}: failed")
        failed += 1
    for name, counts in (("pytest", pytest_counts(junit)), ("odoo", odoo_counts(odoo_log))):
        if counts is None:
            print(f"{name}: no result reported (the suite did not run to its end)")
            failed += 1
            ok = False
            continue
        p, f, s = counts
        print(f"{name}: {p} passed, {f} failed, {s} skipped")
        passed, failed, skipped = passed + p, failed + f, skipped + s
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 0 if ok and not failed else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
