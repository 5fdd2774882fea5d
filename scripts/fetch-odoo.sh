#!/usr/bin/env bash
# Provides Odoo 19 and writes its location to .local/odoo.env:
#   - ODOO_DIR set: use that Odoo 19 (a source tree with odoo-bin, or a folder
#     holding the `odoo` package, e.g. /usr/lib/python3/dist-packages);
#   - otherwise: Debian's `odoo-19` package (suite sid, architecture all),
#     downloaded with a private apt configuration into .local/odoo-deb and
#     unpacked into .local/odoo. The system's apt sources are not touched.
source "$(dirname "$0")/lib.sh"

ENV_FILE="$LOCAL/odoo.env"
mkdir -p "$LOCAL"

odoo_major() {  # prints the major version of the odoo package under $1
    sed -n 's/^version_info = (\([0-9]*\),.*/\1/p' "$1/odoo/release.py" 2>/dev/null
}

write_env() {  # $1 = folder holding the odoo package, $2 = extra addons folders
    cat > "$ENV_FILE" <<EOT
ODOO_PKG_DIR=$1
ODOO_EXTRA_ADDONS=$2
EOT
}

if [ -n "${ODOO_DIR:-}" ]; then
    [ -d "$ODOO_DIR" ] || die "ODOO_DIR=$ODOO_DIR is not a folder"
    pkg="$ODOO_DIR"
    [ -f "$pkg/odoo/release.py" ] || pkg="$ODOO_DIR/usr/lib/python3/dist-packages"
    [ -f "$pkg/odoo/release.py" ] || die "ODOO_DIR=$ODOO_DIR holds no odoo package (no odoo/release.py)"
    [ "$(odoo_major "$pkg")" = 19 ] || die "ODOO_DIR=$ODOO_DIR holds Odoo $(odoo_major "$pkg"), CKS needs Odoo 19"
    extra=""
    [ -d "$ODOO_DIR/addons" ] && extra="$ODOO_DIR/addons"   # a source tree keeps most addons there
    write_env "$pkg" "$extra"
    say "using the Odoo 19 at $ODOO_DIR"
    exit 0
fi

DEST="$LOCAL/odoo"
PKG="$DEST/usr/lib/python3/dist-packages"
if [ "$(odoo_major "$PKG")" = 19 ] && [ -f "$DEST/.cks-mended" ]; then
    write_env "$PKG" ""
    say "Odoo 19 already unpacked in $DEST"
    exit 0
fi

# --- download Debian's odoo-19 with a private apt configuration -------------
APT="$LOCAL/apt"
mkdir -p "$APT/sources" "$APT/lists/partial" "$APT/archives/partial"
cat > "$APT/sources/sid.sources" <<EOT
Types: deb
URIs: http://deb.debian.org/debian
Suites: sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
APT_OPTS=(-o "Dir::State::Lists=$APT/lists" -o Dir::Etc::SourceList=/dev/null
          -o "Dir::Etc::SourceParts=$APT/sources" -o "Dir::Cache::archives=$APT/archives"
          -o "Dir::Cache=$APT" -o APT::Architecture=amd64 -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
say "reading Debian sid's package list (private apt configuration in $APT)"
apt-get "${APT_OPTS[@]}" update -q >/dev/null \
    || die "cannot read Debian's package archive (sid): check the network; or set ODOO_DIR to an existing Odoo 19"
version="$(apt-cache "${APT_OPTS[@]}" show odoo-19 2>/dev/null | sed -n 's/^Version: //p' | head -1)"
[ -n "$version" ] || die "Debian no longer offers the package odoo-19 in sid. Set ODOO_DIR to an Odoo 19 (source tree or the official odoo:19 image's /usr/lib/python3/dist-packages)"
case "$version" in
    19.0*) ;;
    *) die "Debian's odoo-19 is at version $version, not 19.0.*; set ODOO_DIR to an Odoo 19" ;;
esac
say "downloading odoo-19 $version and fonts-montserrat (about 125 MB)"
# fonts-montserrat (architecture all, fonts only) is not in bookworm; Odoo's
# web fonts link to it, so it is unpacked into the same private tree.
(cd "$APT/archives" && apt-get "${APT_OPTS[@]}" download -q "odoo-19=$version" fonts-montserrat >/dev/null) \
    || die "downloading odoo-19 $version failed (network?)"

rm -rf "$DEST.new" && mkdir -p "$DEST.new"
for deb in "$APT"/archives/odoo-19_*.deb "$APT"/archives/fonts-montserrat_*.deb; do
    dpkg -x "$deb" "$DEST.new"
done
rm -rf "$DEST" && mv "$DEST.new" "$DEST"
rm -f "$APT"/archives/*.deb

# --- mends for what Debian's build (dfsg) changed -------------------------
# 1. Debian replaced vendored files (jQuery, underscore, jquery-form, Font
#    Awesome, Roboto, Inconsolata, OCR-B) by relative links into /usr/share.
#    Inside this private tree they dangle; link each missing target to the same
#    path on the system, where setup-system.sh installed the packages.
find "$DEST" -xtype l | while read -r link; do
    target="$(realpath -m "$link")"            # .../.local/odoo/usr/share/...
    sys="/${target#"$DEST"/}"                  # /usr/share/...
    if [ "$target" != "$sys" ] && [ -e "$sys" ] && [ ! -e "$target" ]; then
        mkdir -p "$(dirname "$target")"
        ln -s "$sys" "$target"
    fi
done
# 2. Files Debian removed that an asset bundle still lists: an empty stand-in
#    each, so the bundle compiles. Odoo's own files are never edited.
STAND_INS=(
    # mail's background-blur for video calls (a minified Mediapipe build)
    "odoo/addons/mail/static/lib/selfie_segmentation/selfie_segmentation.js"
)
for f in "${STAND_INS[@]}"; do
    if [ ! -e "$PKG/$f" ]; then
        mkdir -p "$(dirname "$PKG/$f")"
        printf '/* CKS set-up: empty stand-in for a file removed by Debian'"'"'s build */\n' > "$PKG/$f"
    fi
done
# Every symlink must now resolve; a dangling one means a package is missing.
broken="$(find "$DEST" -xtype l | head -5)"
[ -z "$broken" ] || die "links in Odoo's tree still dangle (run scripts/setup-system.sh as root): $broken"
[ "$(odoo_major "$PKG")" = 19 ] || die "the unpacked odoo-19 holds no Odoo 19 package"
touch "$DEST/.cks-mended"
write_env "$PKG" ""
say "Odoo $version unpacked in $DEST"
