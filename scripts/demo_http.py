"""Talking to a running CKS as a demo user, for the scripts that picture the demo for the README
(readme-screenshots.py, readme-forms.py): JSON-RPC calls, log-in, finding a record."""

import json
import urllib.request


class DemoError(Exception):
    """The server refused or the demo database lacks what the script looks for."""


def post(base, path, params, session=None):
    headers = {"Content-Type": "application/json"}
    if session:
        headers["Cookie"] = f"session_id={session}"
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
    with urllib.request.urlopen(urllib.request.Request(base + path, data=body, headers=headers), timeout=30) as resp:
        reply = json.load(resp)
        cookie = resp.headers.get("Set-Cookie") or ""
    if "error" in reply:
        raise DemoError(reply["error"].get("data", {}).get("message") or reply["error"].get("message"))
    return reply["result"], cookie


def login(base, db, user):
    """Logs a demo user in (the password is the login) and returns the session id."""
    _result, cookie = post(base, "/web/session/authenticate", {"db": db, "login": user, "password": user})
    return cookie.split("session_id=", 1)[1].split(";", 1)[0]


def find_id(base, session, model, domain):
    params = {"model": model, "method": "search", "args": [domain], "kwargs": {"limit": 1, "order": "id desc"}}
    ids, _cookie = post(base, "/web/dataset/call_kw", params, session)
    if not ids:
        raise DemoError(f"no {model} matching {domain}: is this the demo database?")
    return ids[0]


def only_database(base):
    """The database the server serves, when it serves one only."""
    dbs, _cookie = post(base, "/web/database/list", {})
    if len(dbs) != 1:
        raise DemoError(f"the server lists the databases {dbs}: choose one with --db")
    return dbs[0]
