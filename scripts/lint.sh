#!/usr/bin/env bash
# make lint: ruff and pylint-odoo on addons/ and tests/ (config: ruff.toml, .pylintrc).
source "$(dirname "$0")/lib.sh"
[ -x "$PY" ] || die "the set-up has not run: type 'make setup'"
cd "$ROOT"
rc=0
say "ruff"
"$VENV/bin/ruff" check addons tests bench scripts || rc=1
"$VENV/bin/ruff" format --check addons tests bench scripts || rc=1
say "pylint-odoo"
# missing-readme: descriptions live in readme/ (OCA layout); no generated README.rst
"$VENV/bin/pylint" --rcfile=.pylintrc --disable=missing-readme addons/cks_* tests || rc=1
[ $rc -eq 0 ] && say "lint clean"
exit $rc
