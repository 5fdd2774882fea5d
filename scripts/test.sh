#!/usr/bin/env bash
# make test: set-up, lint, then on a throwaway database Odoo's test runner over
# every cks_* module (unit, access and browser tests), then pytest over tests/
# (pure-Python units and end-to-end checks against that database); drops the
# database; ends with one line `N passed, N failed` counting both suites.
source "$(dirname "$0")/lib.sh"
MODULES="cks_subscriber,cks_token_asset,cks_request,cks_report,cks_signing"
DB="cks_test_$(date +%s)_$$"
OUT="$LOCAL/test"
start=$SECONDS

bash "$ROOT/scripts/setup.sh"
mkdir -p "$OUT"
rm -f "$OUT/odoo.log" "$OUT/pytest.xml"

cleanup() {
    dropdb --if-exists "$DB" 2>/dev/null || say "could not drop the test database $DB"
    rm -rf "$LOCAL/data/filestore/$DB" "$LOCAL/data/cks-softhsm/$DB"  # its files, its demo tokens
}
trap cleanup EXIT INT TERM

failed_checks=()
bash "$ROOT/scripts/lint.sh" || failed_checks+=("lint (make lint)")

say "Odoo tests on the throwaway database $DB (log: $OUT/odoo.log)"
port="$("$PY" "$ROOT/scripts/free-port.py")"
tags="$(echo "$MODULES" | sed 's/[^,]*/\/&/g')"
new_database "$DB"
"$ROOT/scripts/odoo" -d "$DB" -i "$MODULES" --with-demo --test-enable --test-tags="$tags" \
    --http-port="$port" --stop-after-init --log-level=info >"$OUT/odoo.log" 2>&1 || true
grep -E ' (ERROR|CRITICAL) |^(FAIL|ERROR):|odoo\.tests\.result' "$OUT/odoo.log" | tail -40 >&2 || true

# Odoo 19 only warns when demo data fails to load
if grep -q "demo data failed to install" "$OUT/odoo.log"; then
    failed_checks+=("demo data (see $OUT/odoo.log)")
fi

say "pytest over tests/"
CKS_TEST_DB="$DB" "$PY" -m pytest "$ROOT/tests" -q -p no:cacheprovider \
    --junitxml="$OUT/pytest.xml" || true

say "make test took $((SECONDS - start)) s"
# not `exec`: the EXIT trap must still drop the test database
"$PY" "$ROOT/scripts/test-summary.py" "$OUT/pytest.xml" "$OUT/odoo.log" "${failed_checks[@]}"
