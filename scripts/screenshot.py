"""Logs into a running CKS and saves screenshots of backend pages, as a user sees them.

usage: .venv/bin/python scripts/screenshot.py BASE_URL LOGIN PASSWORD OUT_PREFIX PATH [PATH ...]
e.g.   ... http://127.0.0.1:8069 canbo canbo /tmp/shot /odoo/action-cks_subscriber.cks_certificate_action
Drives headless Chromium over the DevTools protocol (websocket-client); writes OUT_PREFIX-N.png.
"""

import base64
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket


class BrowserError(RuntimeError):
    pass


class Page:
    def __init__(self, port):
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json") as resp:
                    targets = [t for t in json.load(resp) if t["type"] == "page"]
                if targets:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        self.ws = websocket.create_connection(targets[0]["webSocketDebuggerUrl"], timeout=60)
        self.seq = 0

    def call(self, method, **params):
        self.seq += 1
        self.ws.send(json.dumps({"id": self.seq, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.seq:
                return msg.get("result", {})

    def js(self, expression):
        return self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)

    def goto(self, url, settle=3.0):
        self.call("Page.navigate", url=url)
        time.sleep(settle)


def session_id(base, login, password):
    """Logs in over JSON-RPC and returns the session cookie."""
    db = json.load(
        urllib.request.urlopen(
            urllib.request.Request(
                base + "/web/database/list", data=b'{"params": {}}', headers={"Content-Type": "application/json"}
            )
        )
    )["result"][0]
    body = json.dumps({"params": {"db": db, "login": login, "password": password}}).encode()
    request = urllib.request.Request(
        base + "/web/session/authenticate", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as resp:
        reply = json.load(resp)
        if "error" in reply:
            sys.exit(f"login failed: {reply['error']['data']['message']}")
        cookie = resp.headers["Set-Cookie"]
    return cookie.split("session_id=", 1)[1].split(";", 1)[0]


def start_browser(profile, width, height):
    """Headless Chromium on a free debugging port with ``profile``; returns (process, port)."""
    browser = subprocess.Popen(
        [
            "chromium",
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port_file = Path(profile) / "DevToolsActivePort"
    deadline = time.monotonic() + 20
    while not port_file.exists() or not port_file.read_text().strip():
        if browser.poll() is not None or time.monotonic() > deadline:
            browser.kill()
            raise BrowserError("chromium did not start")
        time.sleep(0.1)
    return browser, int(port_file.read_text().split()[0])


def main(base, login, password, prefix, *paths):
    profile = tempfile.mkdtemp(prefix="cks-shot-")
    browser, port = start_browser(profile, 1400, 900)
    try:
        page = Page(port)
        page.call("Page.enable")
        page.call("Network.enable")
        page.call("Network.setCookie", name="session_id", value=session_id(base, login, password), url=base)
        for n, path in enumerate(paths, 1):
            page.goto(base + path, settle=4)
            shot = page.call("Page.captureScreenshot", format="png")
            out = f"{prefix}-{n}.png"
            with open(out, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            print(out)
    finally:
        browser.terminate()


if __name__ == "__main__":
    main(*sys.argv[1:])
