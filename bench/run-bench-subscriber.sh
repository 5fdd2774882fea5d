#!/usr/bin/env bash
# Benchmark of cks_subscriber at the scale of a province (see bench/README.md):
# set-up, a SCRATCH database cks_bench_subscriber (dropped first, and at the end
# unless KEEP_DB=1) with cks_subscriber installed without demo data, then
# bench/bench_subscriber.py through `scripts/odoo shell`, which prints the figures.
# Sizes: BENCH_SUBSCRIBERS, BENCH_CERTIFICATES, BENCH_LAPSED, BENCH_NAIVE, ... (see the script).
source "$(dirname "$0")/../scripts/lib.sh"
source "$ROOT/bench/run-bench-lib.sh"
run_bench subscriber cks_subscriber cks_bench_subscriber
