#!/usr/bin/env bash
# make run: set up, create database $CKS_DB (default cks) with the five modules,
# demo data and Vietnamese, then serve the backend on http://127.0.0.1:$CKS_PORT.
source "$(dirname "$0")/lib.sh"
DB="${CKS_DB:-cks}"
PORT="${CKS_PORT:-8069}"
MODULES="cks_subscriber,cks_token_asset,cks_request,cks_report,cks_signing"

bash "$ROOT/scripts/setup.sh"

if ! "$PY" - "$PORT" <<'PYEOF'
import socket, sys
with socket.socket() as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
PYEOF
then
    who="$(ss -ltnp "sport = :$PORT" 2>/dev/null | sed -n 's/.*users:((\("[^"]*"\).*/\1/p' | head -1)"
    die "port $PORT is in use${who:+ by $who}: stop that program, or choose another port: make run CKS_PORT=8070"
fi

# The asset bundles (CSS, JS) the login page and the first backend screen ask for, built once
# as those requests would build them, so that the first login does not wait for them
# (measured on 2 cores: login page to first screen 7.5 s without, 3.4 s with; this step ~6.5 s).
# It runs beside the starting server, which serves meanwhile: the bundles are ready a few
# seconds after the address is printed. A failure only costs that wait: the server builds
# what is missing on demand.
prebuild_assets() {
    say "building the web client's asset bundles beside the server (a few seconds)"
    if "$ROOT/scripts/odoo" shell -d "$DB" --log-level=warn <<'PYEOF'; then
for name, css, js in [  # bundle, its stylesheet, its script
    ("web.assets_frontend", True, False),  # login page
    ("web.assets_frontend_minimal", False, True),
    ("web.assets_frontend_lazy", False, True),
    ("web.assets_web", True, True),  # backend
    ("web.assets_web_print", True, False),
    ("bus.websocket_worker_assets", False, True),
    ("web.assets_emoji", False, True),
]:
    bundle = env["ir.qweb"]._get_asset_bundle(name, css=css, js=js)
    if css:
        bundle.css()
    if js:
        bundle.js()
env.cr.commit()
PYEOF
        say "asset bundles built: the first login is as fast as later ones"
    else
        say "could not build the asset bundles in advance: the first page will build them"
    fi
}

prebuild=0
installed="$(psql -d "$DB" -tAc "SELECT count(*) FROM ir_module_module WHERE state = 'installed' AND name IN ('${MODULES//,/\',\'}')" 2>/dev/null || true)"
stamp="$LOCAL/run-$DB.stamp"
sources="$(cd "$ROOT" && find addons -type f -not -name '*.pyc' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40)"
if [ "$installed" != 5 ]; then
    log="$LOCAL/run-$DB-install.log"
    if ! db_exists "$DB"; then
        new_database "$DB"
        say "creating database $DB: the five modules with demo data, Vietnamese loaded (about 25 s)"
    else
        say "installing the five modules with demo data into the existing database $DB"
    fi
    if ! "$ROOT/scripts/odoo" -d "$DB" -i "$MODULES" --with-demo --load-language=vi_VN \
            --stop-after-init --log-level=warn 2>&1 | tee "$log" >&2 \
        || grep -q "demo data failed to install" "$log"; then
        # Odoo 19 only warns when demo data fails; a half-made demo database is
        # dropped so that the next run starts again.
        dropdb --if-exists "$DB"
        die "installing the modules (with demo data) into $DB failed: see $log"
    fi
    prebuild=1
    echo "$sources" > "$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$sources" ]; then
    say "addons changed since the last run: updating the modules in $DB"
    "$ROOT/scripts/odoo" -d "$DB" -u "$MODULES" --stop-after-init --log-level=warn \
        || die "updating the modules in $DB failed (see above)"
    prebuild=1
    echo "$sources" > "$stamp"
fi

# The demo is served at this address: Odoo's origin, which the signing agent (make agent) accepts.
psql -qAt -d "$DB" -v url="http://127.0.0.1:$PORT" >/dev/null <<'SQL'
INSERT INTO ir_config_parameter (key, value, create_date, write_date) VALUES
    ('web.base.url', :'url', now(), now()), ('web.base.url.freeze', 'True', now(), now())
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = now();
SQL

cat >&2 <<EOT

[cks] CKS is starting on  http://127.0.0.1:$PORT   (database $DB; Ctrl-C stops it)
[cks] Demo logins (password = login):
        admin      Quản trị hệ thống        (provincial administrator)
        quantri    Hoàng Thị Hà             Quản trị cấp tỉnh
        thutruong  Phạm Minh Đức            Thủ trưởng cơ quan quản lý trực tiếp
        canbo      Lê Văn Cường             Cán bộ đầu mối của cơ quan
        vanthu     Trần Thị Bình            Người quản lý thiết bị / Văn thư
        thuebao    Nguyễn Văn An            Thuê bao
        thanhtra   Vũ Quang Huy             Thanh tra, kiểm tra
[cks] Demo signing tokens on the server (SoftHSM2): hieupv, vanthu.vp, thutruong, stttt-seal; PIN 123456
[cks] To sign "on this computer" instead, start the signing agent in another terminal: make agent

EOT
# In a subshell that returns at once, so the server has no child process to wait for.
[ "$prebuild" = 0 ] || ( prebuild_assets & )
exec "$ROOT/scripts/odoo" -d "$DB" --db-filter="^$DB\$" --http-port="$PORT"
