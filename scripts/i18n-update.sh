#!/usr/bin/env bash
# Refreshes addons/<module>/i18n/vi.po for the given modules (default: all cks_*):
# exports every term from a scratch database with Vietnamese loaded (our own
# translations come back from the database), fills terms Odoo itself already
# translates (labels inherited from mail, res.partner, ...) from Odoo's vi.po
# files, and lists what is still untranslated.
source "$(dirname "$0")/lib.sh"
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(cks_subscriber cks_token_asset cks_request cks_report cks_signing)
DB="cks_i18n_$$"
PREVIOUS="$(mktemp -d)"
trap 'dropdb --if-exists "$DB" 2>/dev/null; rm -rf "$LOCAL/data/filestore/$DB" "$PREVIOUS"' EXIT
for m in "${modules[@]}"; do
    [ -f "$ROOT/addons/$m/i18n/vi.po" ] && cp "$ROOT/addons/$m/i18n/vi.po" "$PREVIOUS/$m.po"
done
list="$(IFS=,; echo "${modules[*]}")"
say "installing $list into $DB with Vietnamese"
"$ROOT/scripts/odoo" -d "$DB" -i "$list" --load-language=vi_VN --stop-after-init --log-level=warn
"$ROOT/scripts/odoo" i18n export -d "$DB" "${modules[@]}" -l vi_VN 2>&1 | grep -v " INFO " || true
installed="$(psql -d "$DB" -tAc "SELECT name FROM ir_module_module WHERE state = 'installed'")"
# shellcheck source=/dev/null
source "$LOCAL/odoo.env"
"$PY" "$ROOT/scripts/i18n-fill.py" "$ODOO_PKG_DIR/odoo/addons" "$installed" "$PREVIOUS" "${modules[@]}"
