#!/usr/bin/env bash
# Benchmark of the custody chain at province scale (see bench/README.md): a SCRATCH
# database cks_bench_custody (dropped first, and at the end unless KEEP_DB=1) with
# cks_token_asset, 100,000 devices and 1,000,000 events; prints the figures.
# Sizes: BENCH_TOKENS, BENCH_EVENTS, BENCH_NAIVE.
source "$(dirname "$0")/../scripts/lib.sh"
DB="${BENCH_DB:-cks_bench_custody}"
start=$SECONDS
bash "$ROOT/scripts/setup.sh"
drop_db() { dropdb --if-exists "$DB"; rm -rf "$LOCAL/data/filestore/$DB"; }
drop_db
[ "${KEEP_DB:-0}" = 1 ] || trap drop_db EXIT INT TERM
say "scratch database $DB with cks_token_asset (no demo)"
"$ROOT/scripts/odoo" -d "$DB" -i cks_token_asset --stop-after-init --log-level=warn
"$ROOT/scripts/odoo" shell -d "$DB" --log-level=warn --no-http < "$ROOT/bench/bench_custody.py"
say "bench done in $((SECONDS - start)) s"
