"""End to end: serve the database `make test` just built and use it over HTTP,
as a browser would: the login page (which needs the asset mends of the set-up),
a login, and the application's menu in the web client's menu tree."""

import json
import os
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get("CKS_TEST_DB")

pytestmark = pytest.mark.skipif(not DB, reason="needs CKS_TEST_DB, set by `make test`")


def test_login_page_answers(server):
    with urllib.request.urlopen(server + "/web/login", timeout=30) as resp:
        assert resp.status == 200
        assert b"oe_login_form" in resp.read()


def _opener():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def _json(opener, url, params):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with opener.open(req, timeout=30) as resp:
        return json.load(resp)


def test_admin_logs_in_and_sees_the_application(server):
    opener = _opener()
    reply = _json(opener, server + "/web/session/authenticate", {"db": DB, "login": "admin", "password": "admin"})
    assert reply.get("result", {}).get("uid"), reply
    with opener.open(server + "/web/webclient/load_menus", timeout=30) as resp:
        menus = json.load(resp)
    roots = [m for m in menus.values() if isinstance(m, dict) and m.get("xmlid") == "cks_subscriber.menu_cks_root"]
    assert len(roots) == 1
    assert roots[0]["name"] == "Digital Signatures"


def test_wrong_password_is_refused(server):
    reply = _json(_opener(), server + "/web/session/authenticate", {"db": DB, "login": "admin", "password": "wrong"})
    assert "error" in reply
