# Shared helpers for the set-up scripts (sourced, not run).
# Every step prints what it does with a "[cks]" prefix and fails with a message
# that names what is wrong and what to do.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"            # everything downloaded or built (git-ignored)
VENV="$ROOT/.venv"
# What a set-up downloads once per machine and every clone reuses (Odoo's tree,
# the Python wheels): the user's cache, outside the clone. Safe to remove.
CACHE="${CKS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cks}"
PY="$VENV/bin/python"

say() { printf '[cks] %s\n' "$*" >&2; }
die() { printf '[cks] ERROR: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "'$*' needs root: run as root or install sudo"; fi
}

# db_exists NAME: whether PostgreSQL has a database of that name.
db_exists() {
    [ -n "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" ]
}

# Odoo's own modules that the five CKS modules need (their manifests' "depends" outside CKS).
ODOO_DEPENDS="mail,base_import,base_install_request,resource"

# new_database DB: creates database DB (which must not exist) with Odoo's own modules installed
# with demo data, as a copy of this machine's template of them: installing them takes about 20 s of
# the 40 s a new database with the CKS demo needs, and they change only with Odoo. The template has
# no language but English, as a database Odoo creates (make test's database is so); make run loads
# Vietnamese when it installs the CKS modules.
# The template (a database "cks_template_<key>" and its filestore under $CACHE/db-templates) is
# made the first time, keyed by Odoo's tree, the list above and the mends of fetch-odoo.sh. The
# copy gets its own identity (database.uuid, database.secret, creation date). The caller then
# installs the CKS modules with --with-demo.
new_database() {
    local db="$1" key template templates="$CACHE/db-templates"
    # shellcheck source=/dev/null
    source "$LOCAL/odoo.env"
    key="$(printf '%s\n' "$ODOO_PKG_DIR" "$ODOO_DEPENDS" demo | cat - "$ROOT/scripts/fetch-odoo.sh" \
        | sha1sum | cut -c1-10)"
    template="cks_template_$key"
    mkdir -p "$templates/filestore" "$LOCAL/data/filestore"
    (
        flock 9
        if ! db_exists "$template" || [ ! -d "$templates/filestore/$template" ]; then
            say "making this machine's template database $template: Odoo's own modules with demo data (once, about 25 s)"
            dropdb --if-exists "$template" && dropdb --if-exists "$template.new"
            rm -rf "$templates/filestore/$template" "$templates/filestore/$template.new"
            "$ROOT/scripts/odoo" -d "$template.new" -i "$ODOO_DEPENDS" --with-demo \
                --data-dir="$templates" --stop-after-init --log-level=warn \
                || die "making the template database $template failed (see above)"
            psql -d postgres -qc "ALTER DATABASE \"$template.new\" RENAME TO \"$template\""
            mv "$templates/filestore/$template.new" "$templates/filestore/$template"
        fi
        createdb -T "$template" "$db" || die "could not create database $db from $template"
    ) 9>"$templates/lock"
    rm -rf "$LOCAL/data/filestore/$db"
    cp -a "$templates/filestore/$template" "$LOCAL/data/filestore/$db"
    psql -d "$db" -qc "UPDATE ir_config_parameter SET value = gen_random_uuid()::text
                         WHERE key IN ('database.uuid', 'database.secret');
                       UPDATE ir_config_parameter SET value = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
                         WHERE key = 'database.create_date'"
}
