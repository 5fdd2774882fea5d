#!/usr/bin/env bash
# Benchmark of cks_request at the scale of a province (see bench/README.md): set-up, a SCRATCH
# database bench_req (dropped first, and at the end unless KEEP_DB=1) with cks_subscriber,
# cks_token_asset and cks_request installed without demo data, then bench/bench_request.py through
# `scripts/odoo shell`, which prints the figures.
# Sizes: BENCH_BODIES, BENCH_SUBSCRIBERS, BENCH_REQUESTS, BENCH_SAMPLE, ... (see the script).
source "$(dirname "$0")/../scripts/lib.sh"
source "$ROOT/bench/run-bench-lib.sh"
run_bench request cks_subscriber,cks_token_asset,cks_request bench_req bench_req
