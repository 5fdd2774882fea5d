"""A small JSON-RPC client for the end-to-end tests: one logged-in session per user."""

import json
import urllib.request
from http.cookiejar import CookieJar


class RpcError(Exception):
    """An error answered by Odoo; `message` is what the user would read."""

    def __init__(self, error):
        self.message = error.get("data", {}).get("message") or error.get("message", "")
        self.name = error.get("data", {}).get("name", "")
        super().__init__(f"{self.name}: {self.message}")


class Session:
    def __init__(self, base, db):
        self.base, self.db = base, db
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def post(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Content-Type": "application/json"})
        with self.opener.open(request, timeout=60) as resp:
            return json.load(resp)

    def login(self, login, password):
        reply = self.post("/web/session/authenticate", {"db": self.db, "login": login, "password": password})
        if "error" in reply:
            raise RpcError(reply["error"])
        return reply["result"]["uid"]

    def call(self, model, method, *args, **kwargs):
        reply = self.post(
            "/web/dataset/call_kw", {"model": model, "method": method, "args": list(args), "kwargs": kwargs}
        )
        if "error" in reply:
            raise RpcError(reply["error"])
        return reply.get("result")

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], ["res_id"])
        return rows[0]["res_id"]
