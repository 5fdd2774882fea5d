#!/usr/bin/env bash
# Everything `make run` and `make test` need, in order; each step skips what
# is already done, so a second run takes seconds.
source "$(dirname "$0")/lib.sh"
start=$SECONDS
bash "$ROOT/scripts/setup-system.sh"
bash "$ROOT/scripts/setup-postgres.sh"
bash "$ROOT/scripts/fetch-odoo.sh"
bash "$ROOT/scripts/setup-venv.sh"
say "set-up done in $((SECONDS - start)) s"
