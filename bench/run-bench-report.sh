#!/usr/bin/env bash
# Benchmark of cks_report at the scale of a province (see bench/README.md): set-up, a SCRATCH
# database bench_rep (dropped first, and at the end unless KEEP_DB=1) with cks_subscriber,
# cks_token_asset, cks_request and cks_report installed without demo data, then
# bench/bench_report.py through `scripts/odoo shell`, which prints the figures.
# Sizes: BENCH_CERTIFICATES, BENCH_REQUESTS, BENCH_LOOP, BENCH_FORMS, BENCH_SEPARATE, ... (see the script).
source "$(dirname "$0")/../scripts/lib.sh"
source "$ROOT/bench/run-bench-lib.sh"
run_bench report cks_subscriber,cks_token_asset,cks_request,cks_report bench_rep bench_rep
