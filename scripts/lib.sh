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
