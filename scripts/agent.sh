#!/usr/bin/env bash
# make agent: the CKS signing agent for the demo database ($CKS_DB, made by make run), as a signer
# runs it on the computer where the token is plugged in. Here the "computer" is this machine and
# the tokens are the demo's SoftHSM2 tokens (PIN 123456). The agent's configuration (the Odoo
# origin and the public key of its request tokens) is read from the database, as a signer would
# download it (Signatures → Signing Agent).
source "$(dirname "$0")/lib.sh"
DB="${CKS_DB:-cks}"
[ -x "$PY" ] || die "the set-up has not run: type 'make run' first"
db_exists "$DB" || die "no database $DB: type 'make run' first"
param() { psql -qAt -d "$DB" -c "SELECT value FROM ir_config_parameter WHERE key = '$1'"; }
module="$(param cks_signing.pkcs11_module)"
conf="$(param cks_signing.softhsm2_conf)"
[ -n "$module" ] && [ -n "$(param cks_signing.agent_key)" ] \
    || die "database $DB has no signing set-up (SoftHSM2 missing when it was made?): make run again"
config="$LOCAL/agent/$DB.json"
mkdir -p "$(dirname "$config")"
param cks_signing.agent_key | PYTHONPATH="$ROOT/addons" "$PY" -c "
import json, sys
from cks_signing.lib import agent_token
key = agent_token.load_private(sys.stdin.read())
json.dump({'origin': sys.argv[1], 'public_key': agent_token.public_pem(key)}, open(sys.argv[2], 'w'), indent=2)
" "$(param web.base.url | sed -E 's#^(https?://[^/]+).*#\1#')" "$config"
say "signing agent for $DB (configuration: $config); the demo tokens' PIN is 123456; Ctrl-C stops it"
SOFTHSM2_CONF="$conf" PYTHONPATH="$ROOT/addons" exec "$PY" -m cks_signing.lib.signing_agent \
    --config "$config" --module "$module"
