#!/usr/bin/env bash
# Creates .venv (Python 3.11) from requirements.txt and makes the Odoo found by
# fetch-odoo.sh importable in it. Re-installs only when requirements.txt changed.
source "$(dirname "$0")/lib.sh"

[ -f "$LOCAL/odoo.env" ] || die "Odoo's location is unknown: run scripts/fetch-odoo.sh first"
# shellcheck source=/dev/null
source "$LOCAL/odoo.env"

PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3 || true)}"
[ -n "$PYTHON" ] || die "no python3.11 found: install Debian's python3 (3.11 on bookworm)"
# pip of the base Python installs into the venv when it can (pip >= 22.3, --python): the venv is
# then made without a pip of its own, 3 to 4 s less on a new clone; else the venv gets its pip.
if "$PYTHON" -m pip --python "$PYTHON" --version >/dev/null 2>&1; then
    PIP=("$PYTHON" -m pip --python "$PY")
    venv_opts=(--without-pip)
else
    PIP=("$PY" -m pip)
    venv_opts=()
fi
if [ ! -x "$PY" ]; then
    say "creating $VENV with $PYTHON"
    "$PYTHON" -m venv "${venv_opts[@]}" "$VENV" || die "python -m venv failed: install Debian's python3-venv"
fi
"$PY" -m pip --version >/dev/null 2>&1 && PIP=("$PY" -m pip)   # a venv made earlier with its own pip
"$PY" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 13))' \
    || die "$VENV runs Python $("$PY" -V), Odoo 19 needs 3.10 to 3.13: remove .venv and set PYTHON"

stamp="$VENV/.cks-requirements"
want="$(sha256sum "$ROOT/requirements.txt" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    # The pinned packages as wheels, fetched (and built where PyPI has no wheel) once
    # per machine for this requirements.txt; every clone installs from them offline.
    # Measured on a new clone with pip's own cache warm: 26 s straight from the
    # index, 8 s from the wheelhouse.
    wheels="$CACHE/wheels-${want:0:16}"
    if [ ! -f "$wheels/.complete" ]; then
        say "fetching the Python packages of requirements.txt into $wheels"
        rm -rf "$wheels.new.$$"
        "${PIP[@]}" wheel -q --disable-pip-version-check -w "$wheels.new.$$" -r "$ROOT/requirements.txt" \
            || { rm -rf "$wheels.new.$$"; die "pip could not fetch requirements.txt: is PyPI reachable (network, proxy)?"; }
        touch "$wheels.new.$$/.complete"
        mv -T "$wheels.new.$$" "$wheels" 2>/dev/null || rm -rf "$wheels.new.$$"   # another clone was first
    fi
    say "installing Python packages from requirements.txt"
    # No byte-compiling now: Python compiles what it imports, once, on first use.
    "${PIP[@]}" install -q --disable-pip-version-check --no-index --find-links "$wheels" --no-compile \
            -r "$ROOT/requirements.txt" \
        || die "pip could not install requirements.txt from $wheels: remove that folder to fetch it again"
    echo "$want" > "$stamp"
fi

# Odoo's package on the venv's path: a folder holding only a link named `odoo`,
# so nothing else beside it in dist-packages becomes importable.
mkdir -p "$LOCAL/odoo-path"
ln -sfn "$ODOO_PKG_DIR/odoo" "$LOCAL/odoo-path/odoo"
site="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$LOCAL/odoo-path" > "$site/cks-odoo.pth"
"$PY" -c 'import odoo.release as r; assert r.version_info[0] == 19, r.version' \
    || die "Odoo 19 does not import in $VENV"
say "Python environment ready ($("$PY" -V))"
