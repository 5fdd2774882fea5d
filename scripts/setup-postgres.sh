#!/usr/bin/env bash
# Starts PostgreSQL if it is not answering, and creates a superuser role named
# after the OS user running Odoo (peer authentication on the local socket: no
# password anywhere). Odoo refuses to run as the role "postgres".
source "$(dirname "$0")/lib.sh"

ME="$(id -un)"
[ "$ME" != postgres ] || die "do not run CKS as the OS user postgres: Odoo refuses that database role"

if ! pg_isready -q 2>/dev/null; then
    command -v pg_lsclusters >/dev/null || die "PostgreSQL is not installed (run scripts/setup-system.sh as root)"
    cluster="$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')"
    if [ -z "$cluster" ]; then
        say "creating a PostgreSQL cluster"
        as_root pg_createcluster "$(ls /usr/lib/postgresql | sort -n | tail -1)" main >/dev/null \
            || die "pg_createcluster failed"
        cluster="$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')"
    fi
    say "starting PostgreSQL $cluster"
    # shellcheck disable=SC2086
    as_root pg_ctlcluster $cluster start \
        || die "PostgreSQL $cluster did not start: see /var/log/postgresql/ (is port 5432 taken, or the disk full?)"
    for _ in $(seq 20); do pg_isready -q && break; sleep 0.5; done
    pg_isready -q || die "PostgreSQL was started but does not answer on its local socket"
fi

as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$*"; else sudo -u postgres sh -c "$*"; fi; }
exists="$(as_pg "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = '$ME'\"")"
if [ "$exists" != 1 ]; then
    say "creating the PostgreSQL role $ME"
    as_pg "createuser --superuser '$ME'" || die "could not create the PostgreSQL role $ME"
fi
say "PostgreSQL ready (role $ME, local socket)"
