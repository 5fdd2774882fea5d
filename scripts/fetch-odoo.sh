#!/usr/bin/env bash
# Provides Odoo 19 and writes its location to .local/odoo.env:
#   - ODOO_DIR set: use that Odoo 19 (a source tree with odoo-bin, or a folder
#     holding the `odoo` package, e.g. /usr/lib/python3/dist-packages);
#   - otherwise: Debian's `odoo-19` package (suite sid, architecture all),
#     downloaded with a private apt configuration (the system's apt sources are
#     not touched), unpacked and mended once per machine in the user's cache,
#     $CACHE/odoo-<version>, which every clone then uses: a new clone does not
#     download Odoo again (about 20 s). Remove that folder to fetch it anew.
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

# An Odoo unpacked and mended earlier on this machine (newest version first).
for tree in $(ls -d "$CACHE"/odoo-19.0* 2>/dev/null | grep -v '\.new\.' | sort -rV); do
    PKG="$tree/usr/lib/python3/dist-packages"
    if [ "$(odoo_major "$PKG")" = 19 ] && [ -f "$tree/.cks-mended" ]; then
        write_env "$PKG" ""
        say "using Odoo 19 unpacked earlier in $tree"
        exit 0
    fi
done

# --- download Debian's odoo-19 with a private apt configuration -------------
APT="$CACHE/apt"
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
DEST="$CACHE/odoo-$version"
NEW="$DEST.new.$$"   # unpacked and mended aside, then moved into place in one step
PKG="$NEW/usr/lib/python3/dist-packages"
trap 'rm -rf "$NEW"' EXIT
say "downloading odoo-19 $version and fonts-montserrat (about 125 MB)"
# fonts-montserrat (architecture all, fonts only) is not in bookworm; Odoo's
# web fonts link to it, so it is unpacked into the same private tree.
(cd "$APT/archives" && apt-get "${APT_OPTS[@]}" download -q "odoo-19=$version" fonts-montserrat >/dev/null) \
    || die "downloading odoo-19 $version failed (network?)"

mkdir -p "$NEW"
for deb in "$APT"/archives/odoo-19_*.deb "$APT"/archives/fonts-montserrat_*.deb; do
    dpkg -x "$deb" "$NEW"
done
rm -f "$APT"/archives/*.deb

# --- mends for what Debian's build (dfsg) changed -------------------------
# 1. Debian replaced vendored files (jQuery, underscore, jquery-form, Font
#    Awesome, Roboto, Inconsolata, OCR-B) by relative links into /usr/share.
#    Inside this private tree they dangle; link each missing target to the same
#    path on the system, where setup-system.sh installed the packages.
find "$NEW" -xtype l | while read -r link; do
    target="$(realpath -m "$link")"            # .../odoo-<version>.new.<pid>/usr/share/...
    sys="/${target#"$NEW"/}"                   # /usr/share/...
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
broken="$(find "$NEW" -xtype l | head -5)"
[ -z "$broken" ] || die "links in Odoo's tree still dangle (run scripts/setup-system.sh as root): $broken"
[ "$(odoo_major "$PKG")" = 19 ] || die "the unpacked odoo-19 holds no Odoo 19 package"
touch "$NEW/.cks-mended"
# Another clone may have finished the same version meanwhile: then keep its tree.
# The links made above point to absolute system paths, so the tree may move.
mv -T "$NEW" "$DEST" 2>/dev/null || [ -f "$DEST/.cks-mended" ] \
    || die "cannot move the unpacked Odoo to $DEST"
write_env "$DEST/usr/lib/python3/dist-packages" ""
say "Odoo $version unpacked in $DEST"
