# What the run-bench-*.sh scripts share (sourced, not run): set-up, a SCRATCH database dropped
# first and at the end (unless KEEP_DB=1), the modules installed without demo data, then
# bench/bench_<name>.py through `scripts/odoo shell` with bench/ on PYTHONPATH (for benchlib.py).
#
#   run_bench NAME MODULES DEFAULT_DB [REQUIRED_PREFIX]
# NAME: the script bench/bench_NAME.py and the log .local/bench/bench-NAME.log; BENCH_DB chooses
# another database, which must start with REQUIRED_PREFIX when one is given.
run_bench() {
    local name="$1" modules="$2" db="${BENCH_DB:-$3}" prefix="${4:-}"
    local log="$LOCAL/bench/bench-$name.log" start=$SECONDS
    if [ -n "$prefix" ]; then
        case "$db" in "$prefix"*) ;; *) die "BENCH_DB must start with $prefix (a scratch database): $db" ;; esac
    fi

    bash "$ROOT/scripts/setup.sh"
    mkdir -p "$(dirname "$log")"
    : >"$log"

    BENCH_RUN_DB="$db"
    say "scratch database $db: dropping it if it exists, installing $modules without demo (log: $log)"
    _bench_drop_db
    trap _bench_cleanup EXIT INT TERM
    "$ROOT/scripts/odoo" -d "$db" -i "$modules" --without-demo --stop-after-init --log-level=warn --no-http \
        >>"$log" 2>&1 || { tail -30 "$log" >&2; die "installing $modules on $db failed"; }

    say "running bench/bench_$name.py (a few minutes at full size)"
    PYTHONPATH="$ROOT/bench${PYTHONPATH:+:$PYTHONPATH}" "$ROOT/scripts/odoo" shell -d "$db" --log-level=warn \
        --no-http <"$ROOT/bench/bench_$name.py" 2>>"$log" || { tail -30 "$log" >&2; die "the benchmark failed (log: $log)"; }
    say "bench done in $((SECONDS - start)) s"
}

_bench_drop_db() {
    dropdb --if-exists "$BENCH_RUN_DB" || say "could not drop the database $BENCH_RUN_DB"
    rm -rf "$LOCAL/data/filestore/$BENCH_RUN_DB"
}

_bench_cleanup() {
    if [ "${KEEP_DB:-0}" = 1 ]; then
        say "database $BENCH_RUN_DB kept (KEEP_DB=1); drop it with: dropdb $BENCH_RUN_DB"
    else
        _bench_drop_db
    fi
}
