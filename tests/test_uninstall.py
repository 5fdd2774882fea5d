"""Uninstalling leaves nothing behind in PostgreSQL (review of issue 11, finding 8: the trigger
function of the custody chain stayed). On a scratch database: install the CKS modules that
exist, uninstall them, and list every table, column, function, trigger, sequence and view they
left."""

import os
import subprocess
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("cks_subscriber", "cks_token_asset", "cks_request")

pytestmark = pytest.mark.skipif(not os.environ.get("CKS_TEST_DB"), reason="needs the set-up of `make test`")

# Everything of ours in the database: its name says so (cks_...), or it is an ir.sequence's
# PostgreSQL sequence, compared before and after.
LEFTOVERS_SQL = """
SELECT 'table ' || relname FROM pg_class WHERE relname LIKE 'cks%' AND relkind IN ('r', 'v', 'm', 'S', 'i')
UNION ALL SELECT 'column ' || table_name || '.' || column_name FROM information_schema.columns
    WHERE table_schema = 'public' AND column_name LIKE 'cks%'
UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE proname LIKE 'cks%'
UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgname LIKE 'cks%'
UNION ALL SELECT 'sequence ' || relname FROM pg_class WHERE relkind = 'S' AND relname LIKE 'ir_sequence_%'
UNION ALL SELECT 'xmlid ' || module || '.' || name FROM ir_model_data WHERE module LIKE 'cks%'
ORDER BY 1
"""


def _psql(db, sql):
    out = subprocess.run(["psql", "-X", "-At", "-d", db, "-c", sql], check=True, capture_output=True, text=True)
    return set(out.stdout.split("\n")) - {""}


def _odoo(*args, stdin=None):
    subprocess.run(
        [str(ROOT / "scripts/odoo"), *args, "--log-level=warn"],
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
        timeout=600,
    )


@pytest.fixture()
def scratch_db():
    db = f"cks_uninstall_{uuid.uuid4().hex[:8]}"
    yield db
    subprocess.run(["dropdb", "--if-exists", db], check=False)
    subprocess.run(["rm", "-rf", str(ROOT / ".local/data/filestore" / db)], check=False)


def test_uninstall_removes_what_the_modules_created(scratch_db):
    _odoo("-d", scratch_db, "-i", "mail,base_import", "--stop-after-init")
    before = _psql(scratch_db, LEFTOVERS_SQL)
    _odoo("-d", scratch_db, "-i", ",".join(MODULES), "--stop-after-init")
    installed = _psql(scratch_db, LEFTOVERS_SQL) - before
    assert "function cks_custody_event_append_only" in installed
    assert "trigger cks_custody_head_forward_only" in installed
    _odoo(
        "shell",
        "-d",
        scratch_db,
        "--no-http",
        stdin="env['ir.module.module'].search([('name', '=', 'cks_subscriber')]).button_immediate_uninstall()\n"
        "env.cr.commit()\n",
    )
    leftovers = _psql(scratch_db, LEFTOVERS_SQL) - before
    assert not leftovers, f"left behind after uninstalling: {sorted(leftovers)}"
