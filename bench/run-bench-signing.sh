#!/usr/bin/env bash
# Benchmark of cks_signing (see bench/README.md): set-up, a SCRATCH database bench_sign (dropped
# first, and at the end unless KEEP_DB=1) with cks_signing and the modules under it installed
# without demo data, then bench/bench_signing.py through `scripts/odoo shell`: printed Mẫu 14
# forms signed in one PIN session on a SoftHSM2 token made for the run, against pyHanko with the
# same key in a PKCS#12 in memory; prints the figures.
# Sizes: BENCH_FORMS, BENCH_ROUNDS, BENCH_VERIFY, BENCH_DIAG (see the script).
source "$(dirname "$0")/../scripts/lib.sh"
source "$ROOT/bench/run-bench-lib.sh"
run_bench signing cks_signing bench_sign bench_sign
