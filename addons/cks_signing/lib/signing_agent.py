"""The CKS signing agent: signs on the signer's own computer, where the token is plugged in.

Plain Python (PyKCS11 and cryptography; no Odoo, no pyHanko)::

    python -m cks_signing.lib.signing_agent --config cks-agent.json --module /path/to/pkcs11.so

(with the folder holding ``cks_signing`` on PYTHONPATH; ``cks-agent.json`` is downloaded from
Odoo: Signatures → Signing agent). It listens on loopback only and answers only the configured
Odoo origin (CORS and the ``Origin`` header; the ``Host`` header must be loopback, against DNS
rebinding). In the browser, Odoo's page relays:

1. ``GET /certificates`` with a listing token of Odoo's (header ``X-CKS-Request``): the
   certificates on the tokens (public objects, no PIN), so that Odoo prepares the document for
   one of them (pyHanko's interrupted signing, on the server);
2. ``POST /sign`` ``{"pin", "final_try_confirmed", "items": [{"request", "data"}]}``: each item's
   request token must be Odoo's (Ed25519, agent_token.py), for this origin, unexpired, unused,
   and name the SHA-256 of ``data`` (the CMS signed attributes) and the certificate; then the
   items are signed in **one PIN session** and the raw signatures returned, for Odoo to embed.

The PIN goes from the page to this agent and to the token only: never to the server, never into
a log. What is signed (each document's title and number, from the token, not from the page) is
printed on the agent's console, and asked for confirmation there with ``--confirm``. Signing
requests are rate-limited (``--rate`` per minute).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import collections
import hashlib
import http.server
import json
import logging
import sys
import threading
import time
from pathlib import Path

from cryptography.hazmat.primitives import hashes

from . import agent_token
from . import pkcs11_connector as pk

_logger = logging.getLogger("cks.signing_agent")

DEFAULT_PORT = 8765
DEFAULT_RATE = 10  # signing requests per minute
MAX_ITEMS = 200  # documents in one signing request
MAX_BODY = 8 * 1024 * 1024  # bytes of a request
LOOPBACK = "127.0.0.1"
REQUEST_HEADER = "X-CKS-Request"  # the listing token of a GET /certificates


class AgentError(Exception):
    """A refusal the page shows: ``code`` for the page's logic, ``status`` the HTTP status."""

    def __init__(self, code, message, status=400, **details):
        super().__init__(message)
        self.code = code
        self.status = status
        self.details = details


def fingerprint(certificate):
    return certificate.fingerprint(hashes.SHA256()).hex()


class SigningAgent:
    """What the agent does, apart from HTTP (tested directly and through HTTP)."""

    def __init__(self, module, *, origin, public_key, rate=DEFAULT_RATE, confirm=None, out=None, clock=time.time):
        self.module = module
        self.origin = origin
        self.public_key = public_key
        self.rate = rate
        self.confirm = confirm  # callable(lines) -> bool, or None: no confirmation asked
        self.out = out or _console
        self.clock = clock
        self._lock = threading.Lock()
        self._used = {}  # jti -> expiry: signed once, refused after
        self._reserved = set()  # jti being signed right now
        self._requests = collections.deque()  # times of the recent signing requests

    # -------------------------------------------------------------- listing
    def check_listing(self, token):
        """A listing token of Odoo's for this origin, unexpired; AgentError otherwise."""
        try:
            agent_token.verify(
                self.public_key, token or "", origin=self.origin, now=self.clock(), scope=agent_token.LIST
            )
        except agent_token.TokenRefused as error:
            raise AgentError(error.code, str(error), 403) from None

    def certificates(self):
        """The tokens present and the certificates on them (no PIN needed)."""
        found = []
        for token in self.module.tokens():
            certificates = [
                {
                    "fingerprint": fingerprint(certificate),
                    "subject": certificate.subject.rfc4514_string(),
                    "not_after": certificate.not_valid_after_utc.isoformat(),
                }
                for _key_id, _label, certificate in self.module.certificates(token)
            ]
            found.append({**token.public(), "certificates": certificates})
        return found

    # -------------------------------------------------------------- signing
    def _throttle(self):
        now = self.clock()
        with self._lock:
            while self._requests and self._requests[0] <= now - 60:
                self._requests.popleft()
            if len(self._requests) >= self.rate:
                raise AgentError("rate_limited", "Too many signing requests: wait a minute and sign again.", 429)
            self._requests.append(now)

    def _checked(self, items):
        """The claims of each item, once its token and data are checked; the ids reserved."""
        if not isinstance(items, list) or not items or len(items) > MAX_ITEMS:
            raise AgentError("bad_request", f"A signing request carries 1 to {MAX_ITEMS} documents.")
        now = self.clock()
        checked = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("request"), str):
                raise AgentError("bad_request", "Each document needs its request token and its data.")
            try:
                claims = agent_token.verify(self.public_key, item["request"], origin=self.origin, now=now)
                data = base64.b64decode(item.get("data") or "", validate=True)
            except agent_token.TokenRefused as error:
                raise AgentError(error.code, str(error), 403) from None
            except (binascii.Error, ValueError, TypeError):
                raise AgentError("bad_request", "The data to sign is not base64.") from None
            if hashlib.sha256(data).hexdigest() != claims["sha256"]:
                raise AgentError(
                    "data_mismatch", "The data to sign is not what Odoo prepared: nothing was signed.", 403
                )
            checked.append((claims, data))
        if len({claims["certificate"] for claims, _data in checked}) != 1:
            raise AgentError("bad_request", "One signing request is signed with one certificate.")
        ids = [claims["jti"] for claims, _data in checked]
        with self._lock:
            for jti, expiry in list(self._used.items()):
                if expiry < now:
                    del self._used[jti]
            if len(set(ids)) != len(ids) or any(jti in self._used or jti in self._reserved for jti in ids):
                raise AgentError("replayed", "This request was already signed: sign again from Odoo.", 403)
            self._reserved.update(ids)
        return checked

    def _token_with(self, certificate_fingerprint):
        for token in self.module.tokens():
            for _key_id, _label, certificate in self.module.certificates(token):
                if fingerprint(certificate) == certificate_fingerprint:
                    return token, certificate
        raise AgentError("no_certificate", "No token plugged into this computer holds the certificate to sign with.")

    def sign(self, items, pin, final_try_confirmed=False):
        """The raw signature of each item's data, made in one PIN session; all or nothing."""
        self._throttle()
        checked = self._checked(items)
        try:
            token, certificate = self._token_with(checked[0][0]["certificate"])
            lines = [f"{claims['title']} ({claims['number']})" for claims, _data in checked]
            self.out(f"CKS signing agent: {len(lines)} document(s) for {self.origin}, with token {token.label}:")
            for line in lines:
                self.out(f"  - {line}")
            if self.confirm and not self.confirm(lines):
                raise AgentError("declined", "The signer declined on the agent's console: nothing was signed.", 403)
            signatures = []
            with self.module.session(token, pin, final_try_confirmed=final_try_confirmed) as session:
                del pin
                key = session.find_key(certificate=certificate)
                mechanism = pk.ECDSA_SHA256 if key.key_type == "ec" else pk.RSA_PKCS1V15_SHA256
                signatures = [
                    base64.b64encode(session.sign(key, data, mechanism)).decode() for _claims, data in checked
                ]
        except pk.Pkcs11Error as error:
            raise AgentError(error.code, str(error), 409, **_flags(error)) from None
        finally:
            with self._lock:
                self._reserved.difference_update(claims["jti"] for claims, _data in checked)
        with self._lock:
            for claims, _data in checked:
                self._used[claims["jti"]] = claims["exp"]
        self.out(f"CKS signing agent: {len(signatures)} document(s) signed.")
        return {"token": token.label, "signatures": signatures, "shown": lines}


def _console(line):
    """A line on the agent's console, for the signer to read what is being signed."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _flags(error):
    flags = getattr(error, "flags", None)
    return {"final_try": flags.final_try, "count_low": flags.count_low, "locked": flags.locked} if flags else {}


# ---------------------------------------------------------------------------------- HTTP
class AgentHandler(http.server.BaseHTTPRequestHandler):
    """The agent's HTTP face: loopback, one origin, JSON."""

    agent: SigningAgent = None
    server_version = "CKS-SigningAgent/1"

    def log_message(self, format, *args):
        # the request line and status only (never a body: the PIN travels in one)
        _logger.info("%s %s", self.address_string(), format % args)

    def _allowed(self):
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        if host not in ("127.0.0.1", "localhost", "[::1]"):
            return self._reply(403, {"error": "host", "message": "The signing agent answers on loopback only."})
        if self.headers.get("Origin") != self.agent.origin:
            return self._reply(403, {"error": "origin", "message": "This page is not the configured Odoo."})
        return True

    def _reply(self, status, body=None):
        data = json.dumps(body or {}, ensure_ascii=False).encode()
        self.send_response(status)
        origin = self.headers.get("Origin")
        if origin == self.agent.origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Allow-Methods", "GET, POST")
            self.send_header("Access-Control-Allow-Headers", f"Content-Type, {REQUEST_HEADER}")
            if self.headers.get("Access-Control-Request-Private-Network") == "true":
                self.send_header("Access-Control-Allow-Private-Network", "true")
        self.send_header("Vary", "Origin")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return False

    def do_OPTIONS(self):
        if self._allowed():
            self._reply(204)

    def do_GET(self):
        if not self._allowed():
            return
        if self.path == "/status":
            return self._reply(200, {"agent": "cks", "version": 1, "origin": self.agent.origin})
        if self.path == "/certificates":
            try:
                self.agent.check_listing(self.headers.get(REQUEST_HEADER))
                return self._reply(200, {"tokens": self.agent.certificates()})
            except AgentError as error:
                return self._reply(error.status, {"error": error.code, "message": str(error)})
            except pk.Pkcs11Error as error:
                return self._reply(409, {"error": error.code, "message": str(error)})
        return self._reply(404, {"error": "not_found", "message": "No such request."})

    def do_POST(self):
        if not self._allowed():
            return
        if self.path != "/sign":
            return self._reply(404, {"error": "not_found", "message": "No such request."})
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 < length <= MAX_BODY:
                raise AgentError("bad_request", "The signing request is empty or too large.", 413)
            try:
                body = json.loads(self.rfile.read(length))
            except ValueError:
                raise AgentError("bad_request", "The signing request is not JSON.") from None
            if not isinstance(body, dict):
                raise AgentError("bad_request", "The signing request is not a JSON object.")
            pin = body.pop("pin", None)
            if pin is not None and not isinstance(pin, str):
                raise AgentError("bad_request", "The PIN is text.")
            result = self.agent.sign(body.get("items"), pin, bool(body.get("final_try_confirmed")))
            del pin
        except AgentError as error:
            return self._reply(error.status, {"error": error.code, "message": str(error), **error.details})
        return self._reply(200, result)


def serve(agent, port=DEFAULT_PORT):
    """An HTTP server for ``agent`` on loopback (port 0: a free one); serve_forever() runs it."""
    handler = type("Handler", (AgentHandler,), {"agent": agent})
    return http.server.ThreadingHTTPServer((LOOPBACK, port), handler)


# ---------------------------------------------------------------------------------- command
def _console_confirm(lines):
    answer = input(f"Sign these {len(lines)} document(s)? [y/N] ")
    return answer.strip().lower() in ("y", "yes", "c", "có")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cks_signing.lib.signing_agent", description=__doc__.split("\n")[0])
    parser.add_argument("--config", help="cks-agent.json downloaded from Odoo (origin, public key, port)")
    parser.add_argument("--origin", help="the Odoo origin, e.g. https://cks.hatinh.gov.vn")
    parser.add_argument("--public-key", help="PEM file of Odoo's request-token key")
    parser.add_argument("--module", required=True, help="path of the token's PKCS#11 module")
    parser.add_argument("--port", type=int)
    parser.add_argument("--rate", type=int, default=DEFAULT_RATE, help="signing requests per minute")
    parser.add_argument("--confirm", action="store_true", help="ask on this console before each signing")
    args = parser.parse_args(argv)
    config = json.loads(Path(args.config).read_text()) if args.config else {}
    origin = args.origin or config.get("origin")
    public = Path(args.public_key).read_text() if args.public_key else config.get("public_key")
    if not origin or not public:
        parser.error("give --config, or --origin and --public-key")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    agent = SigningAgent(
        pk.Pkcs11Module(args.module),
        origin=origin,
        public_key=agent_token.load_public(public),
        rate=args.rate,
        confirm=_console_confirm if args.confirm else None,
    )
    server = serve(agent, args.port or config.get("port") or DEFAULT_PORT)
    _logger.info(
        "listening on http://%s:%s for %s (PKCS#11: %s)", LOOPBACK, server.server_address[1], origin, args.module
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        _logger.info("stopped")
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
