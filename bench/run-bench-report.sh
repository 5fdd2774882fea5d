#!/usr/bin/env bash
# Benchmark of cks_report at the scale of a province (see bench/README.md): set-up, a SCRATCH
# database bench_rep (dropped first, and at the end unless KEEP_DB=1) with cks_subscriber,
# cks_token_asset, cks_request and cks_report installed without demo data, then
# bench/bench_report.py through `scripts/odoo shell`, which prints the figures.
# Sizes: BENCH_CERTIFICATES, BENCH_REQUESTS, BENCH_LOOP, BENCH_FORMS, BENCH_SEPARATE, ... (see the script).
source "$(dirname "$0")/../scripts/lib.sh"
DB="${BENCH_DB:-bench_rep}"
LOG="$LOCAL/bench/bench-report.log"
start=$SECONDS
case "$DB" in bench_rep*) ;; *) die "BENCH_DB must start with bench_rep (a scratch database): $DB" ;; esac

bash "$ROOT/scripts/setup.sh"
mkdir -p "$(dirname "$LOG")"
: >"$LOG"

drop_db() {
    dropdb --if-exists "$DB" || say "could not drop the database $DB"
    rm -rf "$LOCAL/data/filestore/$DB"
}
cleanup() {
    if [ "${KEEP_DB:-0}" = 1 ]; then
        say "database $DB kept (KEEP_DB=1); drop it with: dropdb $DB"
    else
        drop_db
    fi
}

say "scratch database $DB: dropping it if it exists, installing cks_report without demo (log: $LOG)"
drop_db
trap cleanup EXIT INT TERM
"$ROOT/scripts/odoo" -d "$DB" -i cks_subscriber,cks_token_asset,cks_request,cks_report --without-demo \
    --stop-after-init --log-level=warn --no-http >>"$LOG" 2>&1 || { tail -30 "$LOG" >&2; die "installing cks_report on $DB failed"; }

say "running bench/bench_report.py (a few minutes at full size)"
PYTHONPATH="$ROOT/bench${PYTHONPATH:+:$PYTHONPATH}" "$ROOT/scripts/odoo" shell -d "$DB" --log-level=warn --no-http <"$ROOT/bench/bench_report.py" 2>>"$LOG" \
    || { tail -30 "$LOG" >&2; die "the benchmark failed (log: $LOG)"; }
say "bench done in $((SECONDS - start)) s"
