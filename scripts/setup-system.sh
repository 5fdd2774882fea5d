#!/usr/bin/env bash
# Installs the Debian 12 packages CKS needs, only those missing.
# Nothing here touches the system's apt sources.
source "$(dirname "$0")/lib.sh"

PACKAGES=(
    # database
    postgresql
    # QWeb PDF reports (unpatched Qt; run offscreen) and their fonts:
    # Liberation is metric-compatible with Times New Roman (NĐ 30/2020) and has
    # full Vietnamese glyphs; DejaVu is the fallback.
    wkhtmltopdf fonts-liberation fonts-dejavu-core poppler-utils
    # files Debian's odoo-19 links to instead of shipping (see fetch-odoo.sh)
    libjs-jquery libjs-underscore libjs-jquery-form fonts-font-awesome
    fonts-roboto-unhinted fonts-inconsolata fonts-ocr-b
    # PKCS#11: a real token in software, and pkcs11-tool
    softhsm2 opensc
    # headless browser for Odoo's UI tours
    chromium
    # python venv and the headers some wheels may need
    python3-venv python3-dev libpq-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    say "system packages: all present"
    exit 0
fi
command -v apt-get >/dev/null || die "apt-get not found: CKS's set-up expects Debian 12 (bookworm). Install by hand: ${missing[*]}"
say "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -q >/dev/null \
    || die "apt-get update failed: Debian's package archive cannot be reached (check the network or proxy)"
as_root apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || die "apt-get install failed for: ${missing[*]} (see the messages above)"
