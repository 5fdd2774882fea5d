"""Invariants of the repository that the set-up and CI rely on."""

import ast
import configparser
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAIN = ["cks_subscriber", "cks_token_asset", "cks_request", "cks_report", "cks_signing"]


def test_every_python_requirement_is_pinned():
    lines = [
        line.split("#")[0].strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.split("#")[0].strip()
    ]
    assert lines, "requirements.txt is empty"
    loose = [line for line in lines if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.+]+", line)]
    assert not loose, f"not pinned with ==: {loose}"


def _odoo_conf():
    conf = configparser.ConfigParser(inline_comment_prefixes=(";",))
    conf.read(ROOT / "odoo.conf")
    return conf["options"]


def test_odoo_conf_holds_no_plaintext_master_password():
    value = _odoo_conf().get("admin_passwd", "")
    assert value == "" or value.startswith("$pbkdf2-sha512$"), "admin_passwd must be empty or a hash"


def test_odoo_conf_is_local_and_project_contained():
    opts = _odoo_conf()
    assert opts["http_interface"] == "127.0.0.1"
    assert opts["data_dir"].startswith(".local/")
    assert "addons" in [p.strip() for p in opts["addons_path"].split(",")]
    text = (ROOT / "odoo.conf").read_text()
    for production_setting in ("workers", "proxy_mode", "list_db = False", "limit_memory_hard"):
        assert f"; {production_setting}" in text, f"commented production setting {production_setting} missing"


def test_downloads_and_builds_are_ignored_by_git():
    for path in (".local/odoo/x", ".venv/bin/python", "addons/cks_subscriber/__pycache__/x.pyc"):
        ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False)
        assert ignored.returncode == 0, f"{path} is not ignored"


@pytest.mark.parametrize("position", range(len(CHAIN)))
def test_module_chain(position):
    name = CHAIN[position]
    manifest = ast.literal_eval((ROOT / "addons" / name / "__manifest__.py").read_text())
    # base_install_request (installed with mail anyway) opens Apps to every user; cks_subscriber
    # loads after it to close Apps again
    # Odoo's own modules a CKS module needs beside the one before it (resource: working calendars
    # and public holidays for the requests' deadlines)
    odoo_modules = {0: ["mail", "base_import", "base_install_request"], 2: ["resource"]}
    expected = ([CHAIN[position - 1]] if position else []) + odoo_modules.get(position, [])
    assert manifest["depends"] == expected
    assert re.fullmatch(r"19\.0\.\d+\.\d+\.\d+", manifest["version"])
    assert manifest["license"] == "LGPL-3"
    assert (ROOT / "addons" / name / "i18n" / "vi.po").is_file()


def test_readme_test_command_is_what_ci_runs():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()
