"""End to end: who may do what, as an outside client of a real server with the demo data.

Every call goes through Odoo's external API, ``POST /jsonrpc`` (service "object", method
"execute_kw", the context in ``kwargs["context"]``), logged in as one of the six demo roles.
``MATRIX`` below is the README's table "Who may do what" (``test_matrix_is_the_readme_table``
checks that they agree) and every cell of it is one test, named after its row and role, e.g.
``test_write[Device / write own / canbo]``:

- read: ``read`` of the record; ✓ the data comes back, – refused, and ``search`` on its id does
  not return it either;
- write: one harmless field the form edits, read back as admin; ✓ changed (then restored),
  – refused and unchanged;
- unlink: a spare record made for that try (the record itself where nobody may delete it);
- create: the creates of an append-only record (a request's decision, made directly and through
  its request), under each context key; ✓ one was made, – all refused and nothing made;
- protected fields: each field only the flow sets, written with a forged value under each
  context key the code ever read (and all of them at once), and the forged creates; every
  try must be refused and leave the record, its custody events and the chain unchanged;
- flow: the step as the role, on a fresh record; ✓ its effect is there, – refused, nothing moved.

The records are built once per module as admin, through the models' own steps (the transition
wizard, submit, file a loss, start a stocktake, ...); "own" records belong to Sở Thông tin và
Truyền thông (the first four demo users work there), "other" ones to Sở Tài chính. Certification
requests are drafted, submitted and verified as admin and approved by the head of their body
(thutruong; for Sở Tài chính a head made here, who approves nothing of Sở TTTT), since nobody
approves a request they drafted or verified.
Signatures are the demo's, since signing needs its tokens: "own" is the head's on the letter of
Sở TTTT, "other" the giver's on a handover record of the Văn phòng. A signature check is its
uploader's: "own" is one thuebao uploaded and checked, "other" one of a user of Sở Tài chính.
A signature prepared for the signing agent is its signer's, made by the document's step for the
certificates the agent finds on the tokens (the agent runs here on the demo's tokens, as ``make
agent`` runs it): "own" is the head's on a new letter of Sở TTTT, "other" the giver's on a new
handover record of the Văn phòng (its clerk, vanthu.vp); to store one, each role is given one of
the head's, prepared on a letter of its own and signed by the agent with his token.
The register of printed forms is the province's one register, of no body and no user (like the
chain's verifications): its rows try the entry of the demo's print of that letter of Sở TTTT.

After the matrix: the bad inputs of the request flow (a subscriber outside the drafter's scope, the
drafter or verifier approving, a result for a request never sent, a letter mixing types or bodies,
a second approval), and two heads approving one request at the same moment.
"""

import ast
import base64
import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from odoo_rpc import RpcError

DB = os.environ.get("CKS_TEST_DB")
ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

MATRIX = """
| Record · operation | thuebao | vanthu | canbo | thutruong | quantri | thanhtra |
|---|---|---|---|---|---|---|
| Managing body · read own | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| Managing body · read other | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| Managing body · write own | – | – | ✓ | ✓ | ✓ | – |
| Managing body · write other | – | – | – | – | ✓ | – |
| Managing body · unlink | – | – | – | – | ✓ | – |
| Managing body · protected fields | – | – | – | – | – | – |
| Subscriber · read own | ✓ | – | ✓ | ✓ | ✓ | ✓ |
| Subscriber · read other | – | – | – | – | ✓ | ✓ |
| Subscriber · write own | – | – | ✓ | ✓ | ✓ | – |
| Subscriber · unlink | – | – | – | – | ✓ | – |
| Certificate · read own | ✓ | – | ✓ | ✓ | ✓ | ✓ |
| Certificate · read other | – | – | – | – | ✓ | ✓ |
| Certificate · write own | – | – | ✓ | ✓ | ✓ | – |
| Certificate · unlink | – | – | – | – | ✓ | – |
| Certificate · protected fields | – | – | – | – | – | – |
| Certificate · flow: revoke | – | – | ✓ | ✓ | ✓ | – |
| Device · read own | – | ✓ | ✓ | ✓ | ✓ | ✓ |
| Device · read other | – | – | – | – | ✓ | ✓ |
| Device · write own | – | – | ✓ | ✓ | ✓ | – |
| Device · unlink | – | – | – | – | – | – |
| Device · protected fields | – | – | – | – | – | – |
| Device · flow: register | – | – | – | – | ✓ | – |
| Device · flow: change location | – | – | ✓ | ✓ | ✓ | – |
| Custody event · read own | – | ✓ | ✓ | ✓ | ✓ | ✓ |
| Custody event · read other | – | – | – | – | ✓ | ✓ |
| Custody event · write own | – | – | – | – | – | – |
| Custody event · unlink | – | – | – | – | – | – |
| Custody event · protected fields | – | – | – | – | – | – |
| Handover record · read own | – | ✓ | ✓ | ✓ | ✓ | ✓ |
| Handover record · read other | – | – | – | – | ✓ | ✓ |
| Handover record · write own | – | – | – | – | – | – |
| Handover record · unlink | – | – | – | – | – | – |
| Handover record · protected fields | – | – | – | – | – | – |
| Handover record · flow: confirm receipt | – | – | ✓ | – | – | – |
| Lost device record · read own | – | ✓ | ✓ | ✓ | ✓ | ✓ |
| Lost device record · read other | – | – | – | – | ✓ | ✓ |
| Lost device record · write own | – | ✓ | ✓ | ✓ | ✓ | – |
| Lost device record · unlink | – | – | – | – | ✓ | – |
| Lost device record · protected fields | – | – | – | – | – | – |
| Lost device record · flow: confirm | – | – | ✓ | ✓ | ✓ | – |
| Stocktake · read own | – | – | ✓ | ✓ | ✓ | ✓ |
| Stocktake · read other | – | – | – | – | ✓ | ✓ |
| Stocktake · write own | – | – | ✓ | ✓ | ✓ | – |
| Stocktake · unlink | – | – | – | – | ✓ | – |
| Stocktake · protected fields | – | – | – | – | – | – |
| Stocktake · flow: start counting | – | – | ✓ | ✓ | ✓ | – |
| Chain verification · read | – | – | – | – | ✓ | ✓ |
| Chain verification · write | – | – | – | – | – | – |
| Chain verification · unlink | – | – | – | – | – | – |
| Chain verification · protected fields | – | – | – | – | – | – |
| Chain verification · flow: verify | – | – | – | – | ✓ | ✓ |
| Chain head · read | – | – | – | – | ✓ | ✓ |
| Chain head · protected fields | – | – | – | – | – | – |
| Province profile · read | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| Province profile · write | – | – | – | – | ✓ | – |
| Province profile · protected fields | – | – | – | – | – | – |
| Certification request · read own | ✓ | – | ✓ | ✓ | ✓ | ✓ |
| Certification request · read other | – | – | – | – | ✓ | ✓ |
| Certification request · write own | ✓ | – | ✓ | ✓ | ✓ | – |
| Certification request · unlink | – | – | ✓ | ✓ | ✓ | – |
| Certification request · protected fields | – | – | – | – | – | – |
| Certification request · flow: submit | ✓ | – | ✓ | ✓ | ✓ | – |
| Certification request · flow: verify | – | – | ✓ | ✓ | ✓ | – |
| Certification request · flow: approve | – | – | – | ✓ | – | – |
| Certification request · flow: record the CA's result | – | – | ✓ | ✓ | ✓ | – |
| Request decision · read own | ✓ | – | ✓ | ✓ | ✓ | ✓ |
| Request decision · read other | – | – | – | – | ✓ | ✓ |
| Request decision · write own | – | – | – | – | – | – |
| Request decision · unlink | – | – | – | – | – | – |
| Request decision · create | – | – | – | – | – | – |
| Letter to the CA · read own | – | – | ✓ | ✓ | ✓ | ✓ |
| Letter to the CA · read other | – | – | – | – | ✓ | ✓ |
| Letter to the CA · write own | – | – | ✓ | ✓ | ✓ | – |
| Letter to the CA · unlink | – | – | – | – | – | – |
| Letter to the CA · protected fields | – | – | – | – | – | – |
| Letter to the CA · flow: send | – | – | ✓ | ✓ | ✓ | – |
| Form wording · read | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| Form wording · write | – | – | – | – | ✓ | – |
| Form wording · unlink | – | – | – | – | ✓ | – |
| Periodic report · read own | – | – | ✓ | ✓ | ✓ | ✓ |
| Periodic report · read other | – | – | – | – | ✓ | ✓ |
| Periodic report · write own | – | – | ✓ | ✓ | ✓ | – |
| Periodic report · unlink | – | – | ✓ | ✓ | ✓ | – |
| Periodic report · protected fields | – | – | – | – | – | – |
| Periodic report · flow: compute | – | – | ✓ | ✓ | ✓ | – |
| Periodic report · flow: validate | – | – | ✓ | ✓ | ✓ | – |
| Printed form reference · read | – | – | – | – | ✓ | ✓ |
| Printed form reference · write | – | – | – | – | – | – |
| Printed form reference · unlink | – | – | – | – | – | – |
| Printed form reference · create | – | – | – | – | – | – |
| Printed form reference · protected fields | – | – | – | – | – | – |
| Signature · read own | – | – | ✓ | ✓ | ✓ | ✓ |
| Signature · read other | – | – | – | – | ✓ | ✓ |
| Signature · write own | – | – | – | – | – | – |
| Signature · unlink | – | – | – | – | – | – |
| Signature · create | – | – | – | – | – | – |
| Signature · protected fields | – | – | – | – | – | – |
| Signature check · read own | ✓ | – | – | – | ✓ | ✓ |
| Signature check · read other | – | – | – | – | ✓ | ✓ |
| Signature check · write own | ✓ | – | – | – | – | – |
| Signature check · unlink | – | – | – | – | – | – |
| Signature check · create | ✓ | ✓ | ✓ | ✓ | ✓ | – |
| Signature check · protected fields | – | – | – | – | – | – |
| Signature check · flow: check | ✓ | ✓ | ✓ | ✓ | ✓ | – |
| Signature check line · read own | ✓ | – | – | – | ✓ | ✓ |
| Signature check line · read other | – | – | – | – | ✓ | ✓ |
| Signature check line · write own | – | – | – | – | – | – |
| Signature check line · unlink | – | – | – | – | – | – |
| Signature check line · create | – | – | – | – | – | – |
| Signature check line · protected fields | – | – | – | – | – | – |
| Signing request · read own | – | – | – | ✓ | ✓ | ✓ |
| Signing request · read other | – | – | – | – | ✓ | ✓ |
| Signing request · write own | – | – | – | – | – | – |
| Signing request · unlink | – | – | – | – | – | – |
| Signing request · create | – | – | – | – | – | – |
| Signing request · protected fields | – | – | – | – | – | – |
| Signing request · flow: finish | – | – | – | ✓ | – | – |
"""

ROLES = ("thuebao", "vanthu", "canbo", "thutruong", "quantri", "thanhtra")
MARKS = {"✓": True, "–": False}

# What a refusal looks like: the server's own refusal, never a crash (a KeyError is a bug).
REFUSALS = {"odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.ValidationError"}

# Every context key the code ever read (the first four once let a flow's write through; the
# uninstall flag skips checks on deletion; a cron's id makes it commit) and the keys of Odoo
# that change how records are written, one at a time, then all at once.
FORGED_CONTEXT_KEYS = {
    "cks_token_transition": True,
    "cks_certificate_transition": True,
    "cks_custody_append": True,
    "cks_move": "assign",
    "default_state": "done",
    "_force_unlink": True,
    "install_mode": True,
    "tracking_disable": True,
    "cron_id": 1,
}
CONTEXTS = [{}, *({key: value} for key, value in FORGED_CONTEXT_KEYS.items()), dict(FORGED_CONTEXT_KEYS)]

MODELS = {
    "Managing body": "cks.body",
    "Subscriber": "cks.subscriber",
    "Certificate": "cks.certificate",
    "Device": "cks.token",
    "Custody event": "cks.custody.event",
    "Handover record": "cks.handover",
    "Lost device record": "cks.loss.report",
    "Stocktake": "cks.stocktake",
    "Chain verification": "cks.custody.verification",
    "Chain head": "cks.custody.head",
    "Province profile": "cks.province.profile",
    "Form wording": "cks.form.template",
    "Periodic report": "cks.periodic.report",
    "Printed form reference": "cks.print.reference",
    "Certification request": "cks.request",
    "Request decision": "cks.request.decision",
    "Letter to the CA": "cks.request.batch",
    "Signature": "cks.signature",
    "Signature check": "cks.signature.check",
    "Signature check line": "cks.signature.check.line",
    "Signing request": "cks.signing.request",
}
# The field a read asks for, and the harmless field a write changes.
READ_FIELD = {
    "Managing body": "name",
    "Subscriber": "name",
    "Certificate": "serial",
    "Device": "serial",
    "Custody event": "event_hash",
    "Handover record": "name",
    "Lost device record": "name",
    "Stocktake": "name",
    "Chain verification": "intact",
    "Chain head": "event_count",
    "Province profile": "name",
    "Form wording": "name",
    "Periodic report": "name",
    "Printed form reference": "reference",
    "Certification request": "name",
    "Request decision": "step",
    "Letter to the CA": "name",
    "Signature": "role",
    "Signature check": "name",
    "Signature check line": "signer",
    "Signing request": "state",
}
WRITE_FIELD = {
    "Managing body": "phone",
    "Subscriber": "position",
    "Certificate": "file_name",
    "Device": "notes",
    "Custody event": "reason",
    "Handover record": "remarks",
    "Lost device record": "place",
    "Stocktake": "scan_serial",
    "Chain verification": "summary",
    "Province profile": "notes",
    "Form wording": "reconstructed",
    "Periodic report": "difficulties",
    "Printed form reference": "form_title",
    "Certification request": "comment",
    "Request decision": "comment",
    "Letter to the CA": "notes",
    "Signature": "document_name",
    "Signature check": "name",
    "Signature check line": "signer",
    "Signing request": "document_name",
}


def _parse_table(text):
    """(roles, [(row, {role: allowed})]) of a Markdown table of ✓ and –."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip().startswith("|")]
    header, _rule, *body = ([cell.strip() for cell in line.strip("|").split("|")] for line in lines)
    roles = tuple(header[1:])
    return roles, [(cells[0], dict(zip(roles, (MARKS[c] for c in cells[1:]), strict=True))) for cells in body]


MATRIX_ROLES, MATRIX_ROWS = _parse_table(MATRIX)
EXPECTED = dict(MATRIX_ROWS)


def _cells(*operations):
    """One test per (row, role) of the rows whose operation starts with one of ``operations``."""
    return [
        pytest.param(row, role, id=f"{row.replace(' · ', ' / ')} / {role}")
        for row, _marks in MATRIX_ROWS
        if _operation(row).startswith(operations)
        for role in ROLES
    ]


def _record(row):
    return row.split(" · ")[0]


def _operation(row):
    return row.split(" · ")[1]


def _flow(row):
    """(record, step) of a flow row: "Certificate · flow: revoke" -> ("Certificate", "revoke")."""
    return _record(row), _operation(row)[len("flow: ") :]


# ---------------------------------------------------------------------------- the client


class ExternalApi:
    """An outside client: Odoo's external JSON-RPC API, one user, the password sent with each call."""

    def __init__(self, base, db, login, password, uid=None):
        self.base, self.db, self.login, self.password = base, db, login, password
        self.uid = uid or self._rpc("common", "authenticate", db, login, password, {})
        assert self.uid, f"cannot log in as {login}"

    def _rpc(self, service, method, *args):
        body = {"jsonrpc": "2.0", "method": "call", "params": {"service": service, "method": method, "args": args}}
        # naming the database spares the server listing them all on every call (no session here)
        headers = {"Content-Type": "application/json", "X-Odoo-Database": self.db}
        request = urllib.request.Request(self.base + "/jsonrpc", data=json.dumps(body).encode(), headers=headers)
        with urllib.request.urlopen(request, timeout=60) as reply:
            answer = json.load(reply)
        if "error" in answer:
            raise RpcError(answer["error"])
        return answer.get("result")  # a method returning None answers no "result"

    def call(self, model, method, *args, context=None, **kwargs):
        if context is not None:
            kwargs["context"] = context
        return self._rpc("object", "execute_kw", self.db, self.uid, self.password, model, method, list(args), kwargs)


class SigningAgent:
    """The signing agent on the signer's computer, as ``make agent`` starts it: its own process on
    this machine, where the demo's tokens are (SoftHSM2), with the configuration a signer downloads
    from Odoo; spoken to over HTTP as the signing dialog's page speaks to it."""

    def __init__(self, config, module, softhsm_conf, workdir):
        port = subprocess.check_output([sys.executable, str(ROOT / "scripts/free-port.py")], text=True).strip()
        path = workdir / "cks-agent.json"
        path.write_text(json.dumps({**config, "port": int(port)}), encoding="utf-8")
        self.origin, self.url = config["origin"], f"http://127.0.0.1:{port}"
        paths = [str(ROOT / "addons"), *filter(None, [os.environ.get("PYTHONPATH")])]
        env = {**os.environ, "SOFTHSM2_CONF": softhsm_conf, "PYTHONPATH": os.pathsep.join(paths)}
        command = [sys.executable, "-m", "cks_signing.lib.signing_agent", "--config", str(path), "--module", module]
        self.process = subprocess.Popen(
            [*command, "--rate", "100"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                self.http("/status")
                break
            except OSError:
                assert self.process.poll() is None, "the signing agent exited while starting"
                assert time.monotonic() < deadline, "the signing agent did not answer within 30 s"
                time.sleep(0.2)

    def http(self, path, body=None, listing=None):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Origin": self.origin, "Content-Type": "application/json"}
        if listing:
            headers["X-CKS-Request"] = listing
        request = urllib.request.Request(self.url + path, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                return json.load(reply)
        except urllib.error.HTTPError as error:
            raise AssertionError(f"the signing agent refused {path}: {error.read().decode()}") from None

    def fingerprints(self, api):
        """What the page learns from the agent: the certificates on the tokens plugged in (with the
        listing token Odoo gives the page of ``api``'s user)."""
        listing = api.call("cks.signing.service", "agent_settings")["request"]
        tokens = self.http("/certificates", listing=listing)["tokens"]
        return [cert["fingerprint"] for token in tokens for cert in token["certificates"]]

    def sign(self, prepared, pin):
        """The signatures of what Odoo prepared, made in one PIN session on the token."""
        items = [{"request": item["request"], "data": item["data"]} for item in prepared]
        return self.http("/sign", {"pin": pin, "items": items})["signatures"]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


def _refused(error):
    """The server refused (an access or user error), as opposed to crashing."""
    assert error.name in REFUSALS, f"the server failed instead of refusing: {error}"
    return f"refused ({error.name.rsplit('.', 1)[-1]}: {error.message})"


def _now(**delta):
    return (datetime.now(UTC).replace(tzinfo=None) + timedelta(**delta)).strftime("%Y-%m-%d %H:%M:%S")


# ---------------------------------------------------------------------------- the records


@dataclass
class World:
    """The records of the matrix and a logged-in client per role."""

    tag: str
    api: dict = field(default_factory=dict)  # login -> ExternalApi ("admin" included)
    ref: dict = field(default_factory=dict)  # xmlid -> id
    own: dict = field(default_factory=dict)  # record kind -> id of "own" (or of the one record)
    other: dict = field(default_factory=dict)  # record kind -> id in Sở Tài chính
    spare: dict = field(default_factory=dict)  # record kind -> {role: id} to delete
    fresh: dict = field(default_factory=dict)  # flow -> {role: id} to move
    devices: dict = field(default_factory=dict)  # name -> id of the devices made here
    stc1: int = 0  # users of Sở Tài chính: keeps its devices,
    stc2: int = 0  # receives its handover,
    bystander: int = 0  # is only ever named by forged writes
    forged_partner: int = 0  # a contact only forged writes name
    forged_preset: int = 0  # a preset other than the one applied
    loose_request: int = 0  # an approved request only forged writes put in a letter
    verified_intact: bool = False
    agent: SigningAgent | None = None  # the signing agent on "the signer's computer"
    fingerprints: list = field(default_factory=list)  # of the certificates on the tokens plugged in

    @property
    def admin(self):
        return self.api["admin"]

    def uid(self, login):
        return self.api[login].uid

    def read_as_admin(self, model, record_id, fields):
        rows = self.admin.call(model, "read", [record_id], fields, context={"active_test": False})
        return rows[0] if rows else None

    def exists(self, model, record_id):
        return bool(self.admin.call(model, "search_count", [("id", "=", record_id)], context={"active_test": False}))

    def count(self, model, domain):
        return self.admin.call(model, "search_count", domain, context={"active_test": False})

    def events(self, token_id):
        return self.count("cks.custody.event", [("token_id", "=", token_id)])

    def move(self, token_ids, move, **values):
        """One step of devices through the transition wizard, as admin."""
        wizard = self.admin.call(
            "cks.token.transition",
            "create",
            {"token_ids": [(6, 0, token_ids)], "move": move, "reason": f"access matrix {self.tag}", **values},
        )
        self.admin.call("cks.token.transition", "action_confirm", [wizard])

    def certificates(self, count, subscriber):
        """``count`` valid certificates of ``subscriber``, one for each request about to be made
        (two open requests of one type on one certificate are refused as duplicates)."""
        return self.admin.call(
            "cks.certificate",
            "create",
            [_certificate(f"MX{self.tag}Q{uuid.uuid4().hex[:10]}".upper(), subscriber) for _ in range(count)],
        )

    def requests(self, count, state="draft", subscriber=None, request_type="revocation", head="thutruong"):
        """``count`` requests of ``subscriber`` (thuebao's own subscriber record by default), each
        about a certificate of its own, taken through the models' steps up to ``state``: drafted,
        submitted and verified as admin, approved by ``head``, put in one letter to the CA and sent
        as admin. Returns their ids and the letter's (None before "batched")."""
        admin, subscriber = self.admin, subscriber or self.own["Subscriber"]
        content = {"grounds": "body_request"} if request_type == "revocation" else {"change_details": "Matrix"}
        ids = admin.call(
            "cks.request",
            "create",
            [
                {"request_type": request_type, "subscriber_id": subscriber, "certificate_id": cert, **content}
                for cert in self.certificates(count, subscriber)
            ],
        )
        steps = REQUEST_STEPS[: REQUEST_STEPS.index(state) + 1]
        if "submitted" in steps:
            admin.call("cks.request", "action_submit", ids)
        if "verified" in steps:
            admin.call("cks.request", "action_verify", ids)
        if "approved" in steps:
            self.api[head].call("cks.request", "action_approve", ids)
        batch = None
        if "batched" in steps:
            batch = admin.call("cks.request", "action_create_batch", ids)["res_id"]
        if "sent" in steps:
            admin.call("cks.request.batch", "action_send", [batch], channel="ca_portal", reference=f"MX/{self.tag}")
        return ids, batch


REQUEST_STEPS = ("draft", "submitted", "verified", "approved", "batched", "sent")


def _certificate(serial, subscriber):
    return {
        "subscriber_id": subscriber,
        "serial": serial,
        "issuer": "CN=CA phục vụ các cơ quan Đảng, Nhà nước",
        "valid_from": _now(days=-30),
        "valid_to": _now(days=700),
    }


XMLIDS = (
    "cks_subscriber.body_ht_stttt",
    "cks_subscriber.body_ht_stc",
    "cks_subscriber.body_ht_vp",
    "cks_subscriber.sub_ht_nguyen_van_an",
    "cks_subscriber.group_cks_custodian",
    "cks_subscriber.group_cks_subscriber",
    "cks_subscriber.group_cks_head",
    "cks_token_asset.custody_head_main",
    "cks_subscriber.user_demo_vanthu_vp",
    "cks_subscriber.user_demo_hieupv",
    *(f"cks_subscriber.user_demo_{role}" for role in ROLES),
)


def _refs(admin):
    rows = admin.call(
        "ir.model.data",
        "search_read",
        [("module", "in", ["cks_subscriber", "cks_token_asset"]), ("name", "in", [x.split(".")[1] for x in XMLIDS])],
        ["module", "name", "res_id"],
    )
    refs = {f"{row['module']}.{row['name']}": row["res_id"] for row in rows}
    assert set(XMLIDS) <= set(refs), set(XMLIDS) - set(refs)
    return refs


def _build(base, agent):  # noqa: PLR0915 - one straight story of the records, step by step
    w = World(tag=uuid.uuid4().hex[:8], agent=agent)
    tag = w.tag
    admin = w.api["admin"] = ExternalApi(base, DB, "admin", "admin")
    w.ref = _refs(admin)
    stttt, stc = w.ref["cks_subscriber.body_ht_stttt"], w.ref["cks_subscriber.body_ht_stc"]

    # users of Sở Tài chính: the first keeps its devices and hands one over to the second; a
    # bystander only forged writes name; its head approves its requests. A second head of Sở TTTT
    # approves at the same moment as thutruong. Made before anyone else calls: a new user empties
    # the server's cache of checked passwords, and each check of a password costs a third of a second.
    custodian, head = w.ref["cks_subscriber.group_cks_custodian"], w.ref["cks_subscriber.group_cks_head"]
    logins = ("stc1", "headstc", "head2")  # those who log in
    stc1, w.stc2, w.bystander, headstc, head2 = admin.call(
        "res.users",
        "create",
        [
            {
                "name": f"Matrix {name} {tag}",
                "login": f"mx-{name}-{tag}",
                "group_ids": [(6, 0, [group])],
                "cks_body_id": body,
                **({"password": f"mx-{name}-{tag}"} if name in logins else {}),
            }
            for name, group, body in (
                ("stc1", custodian, stc),
                ("stc2", custodian, stc),
                ("bystander", w.ref["cks_subscriber.group_cks_subscriber"], stc),
                ("headstc", head, stc),
                ("head2", head, stttt),
            )
        ],
    )
    w.stc1 = stc1
    for role in ROLES:
        w.api[role] = ExternalApi(base, DB, role, role, uid=w.ref[f"cks_subscriber.user_demo_{role}"])
    for name, uid in zip(logins, (stc1, headstc, head2), strict=True):
        w.api[name] = ExternalApi(base, DB, f"mx-{name}-{tag}", f"mx-{name}-{tag}", uid=uid)
    # the clerk of the Văn phòng, who gives devices and signs with a token of the demo
    w.api["vanthu.vp"] = ExternalApi(
        base, DB, "vanthu.vp", "vanthu.vp", uid=w.ref["cks_subscriber.user_demo_vanthu_vp"]
    )
    with ThreadPoolExecutor(max_workers=4) as pool:  # each user's password checked once, side by side
        list(pool.map(lambda api: api.call("res.users", "read", [api.uid], ["login"]), w.api.values()))
    vanthu, canbo = w.uid("vanthu"), w.uid("canbo")
    w.forged_partner = admin.call("res.partner", "create", {"name": f"Forged contact {tag}"})

    # managing bodies: Sở TTTT and Sở Tài chính; spare empty child bodies of Sở TTTT to delete
    w.own["Managing body"], w.other["Managing body"] = stttt, stc
    spare = admin.call(
        "cks.body", "create", [{"name": f"Matrix spare {role} {tag}", "parent_id": stttt} for role in ROLES]
    )
    w.spare["Managing body"] = dict(zip(ROLES, spare, strict=True))

    # subscribers: thuebao's own record; one of Sở Tài chính; spares of Sở TTTT
    sub_a = w.ref["cks_subscriber.sub_ht_nguyen_van_an"]
    sub_b, *spare = admin.call(
        "cks.subscriber",
        "create",
        [{"name": f"Matrix STC {tag}", "body_id": stc}]
        + [{"name": f"Matrix spare {role} {tag}", "body_id": stttt} for role in ROLES],
    )
    w.own["Subscriber"], w.other["Subscriber"] = sub_a, sub_b
    w.spare["Subscriber"] = dict(zip(ROLES, spare, strict=True))

    # certificates: A and B, spares to delete, fresh ones to revoke (all of Sở TTTT but B)
    def cert(name, subscriber):
        return {
            "subscriber_id": subscriber,
            "serial": f"MX{tag}{name}".upper(),
            "issuer": "CN=CA phục vụ các cơ quan Đảng, Nhà nước",
            "valid_from": _now(days=-30),
            "valid_to": _now(days=700),
        }

    certs = admin.call(
        "cks.certificate",
        "create",
        [cert("A", sub_a), cert("B", sub_b)]
        + [cert(f"U{role}", sub_a) for role in ROLES]
        + [cert(f"R{role}", sub_a) for role in ROLES],
    )
    w.own["Certificate"], w.other["Certificate"] = certs[:2]
    w.spare["Certificate"] = dict(zip(ROLES, certs[2:8], strict=True))
    w.fresh["revoke"] = dict(zip(ROLES, certs[8:], strict=True))

    # devices of Sở TTTT kept by vanthu: A, the handover's, the loss record's, fresh ones for the
    # flows; devices of Sở Tài chính kept by its first user: B, its handover's, its loss record's
    names = ["A", "H", "L"] + [f"H{role}" for role in ROLES] + [f"L{role}" for role in ROLES] + ["B", "HB", "LB"]
    devices = dict(
        zip(names, admin.call("cks.token", "create", [{"serial": f"MX-{tag}-{n}"} for n in names]), strict=True)
    )
    own_devices = [devices[n] for n in names[:-3]]
    stc_devices = [devices[n] for n in names[-3:]]
    w.move(own_devices, "issue", body_id=stttt)
    w.move(stc_devices, "issue", body_id=stc)
    w.move(own_devices, "assign", custodian_id=vanthu)
    w.move(stc_devices, "assign", custodian_id=w.stc1)
    w.devices = devices
    w.own["Device"], w.other["Device"] = devices["A"], devices["B"]
    w.spare["Device"] = dict.fromkeys(ROLES, devices["A"])  # nobody may delete a device

    # custody events: the first event of device A and of device B
    for kind, token in (("own", devices["A"]), ("other", devices["B"])):
        event = admin.call("cks.custody.event", "search", [("token_id", "=", token)], order="sequence", limit=1)
        getattr(w, kind)["Custody event"] = event[0]
    w.spare["Custody event"] = dict.fromkeys(ROLES, w.own["Custody event"])

    # handovers vanthu -> canbo submitted (A, and one per role to confirm); one in Sở Tài chính
    def handover(token, receiver):
        return {"place": "Phòng Văn thư", "receiver_id": receiver, "line_ids": [(0, 0, {"token_id": token})]}

    vanthu_api = w.api["vanthu"]
    handovers = vanthu_api.call(
        "cks.handover",
        "create",
        [handover(devices["H"], canbo)] + [handover(devices[f"H{role}"], canbo) for role in ROLES],
    )
    vanthu_api.call("cks.handover", "action_submit", handovers)
    w.own["Handover record"] = handovers[0]
    w.fresh["confirm receipt"] = dict(zip(ROLES, handovers[1:], strict=True))
    w.spare["Handover record"] = dict.fromkeys(ROLES, handovers[0])
    handover_b = w.api["stc1"].call("cks.handover", "create", handover(devices["HB"], w.stc2))
    w.api["stc1"].call("cks.handover", "action_submit", [handover_b])
    w.other["Handover record"] = handover_b

    # loss records filed by vanthu, drafts: A, spares to delete (same device), one per role to confirm
    def loss(token):
        return {"token_id": token, "discovered_at": _now(hours=-1), "circumstances": f"Matrix {tag}"}

    losses = vanthu_api.call(
        "cks.loss.report",
        "create",
        [loss(devices["L"])] + [loss(devices["L"]) for _role in ROLES] + [loss(devices[f"L{role}"]) for role in ROLES],
    )
    w.own["Lost device record"] = losses[0]
    w.spare["Lost device record"] = dict(zip(ROLES, losses[1:7], strict=True))
    w.fresh["confirm loss"] = dict(zip(ROLES, losses[7:], strict=True))
    w.other["Lost device record"] = w.api["stc1"].call("cks.loss.report", "create", loss(devices["LB"]))

    # stocktakes of Sở TTTT made by canbo: A (counting), drafts to delete, drafts to start;
    # one of Sở Tài chính started by quantri
    canbo_api = w.api["canbo"]
    stocktakes = canbo_api.call("cks.stocktake", "create", [{"body_id": stttt} for _ in range(1 + 2 * len(ROLES))])
    canbo_api.call("cks.stocktake", "action_start", [stocktakes[0]])
    w.own["Stocktake"] = stocktakes[0]
    w.spare["Stocktake"] = dict(zip(ROLES, stocktakes[1:7], strict=True))
    w.fresh["start counting"] = dict(zip(ROLES, stocktakes[7:], strict=True))
    quantri_api = w.api["quantri"]
    stocktake_b = quantri_api.call("cks.stocktake", "create", {"body_id": stc})
    quantri_api.call("cks.stocktake", "action_start", [stocktake_b])
    w.other["Stocktake"] = stocktake_b

    # the chain: a verification by the province, and its head
    verification = quantri_api.call("cks.custody.verification", "action_run")["res_id"]
    w.own["Chain verification"] = verification
    w.spare["Chain verification"] = dict.fromkeys(ROLES, verification)
    w.verified_intact = w.read_as_admin("cks.custody.verification", verification, ["intact"])["intact"]
    w.own["Chain head"] = w.ref["cks_token_asset.custody_head_main"]

    # the province profile (a preset applied through the wizard when the province is not set yet)
    presets = admin.call("cks.province.preset", "search", [])
    profile = admin.call("cks.province.profile", "search", [], limit=1)
    if not profile:
        wizard = admin.call("cks.province.preset.apply", "create", {"preset_id": presets[0]})
        profile = [admin.call("cks.province.preset.apply", "action_apply", [wizard])["res_id"]]
    w.own["Province profile"] = profile[0]
    applied = w.read_as_admin("cks.province.profile", profile[0], ["preset_id"])["preset_id"]
    w.forged_preset = next(p for p in presets if not applied or p != applied[0])
    _build_requests(w)

    # the wording of the printed forms (cks_report): Form 14's, and spares of another legal basis
    (w.own["Form wording"],) = admin.call(
        "cks.form.template", "search", [("code", "=", "14"), ("legal_basis", "=", "tt185_2019")]
    )
    spare = admin.call(
        "cks.form.template",
        "create",
        [
            {"code": f"{index:02d}", "legal_basis": "nd68_2024", "name": f"Matrix spare {role} {tag}"}
            for index, role in enumerate(ROLES, 1)
        ],
    )
    w.spare["Form wording"] = dict(zip(ROLES, spare, strict=True))

    # periodic reports (cks_report): drafts of Sở TTTT made by canbo (own, spares to delete, fresh
    # ones to compute and to validate); Sở Tài chính's made by quantri
    reports = canbo_api.call(
        "cks.periodic.report",
        "create",
        [{"period_kind": "h1", "year": 2020, "body_id": stttt} for _ in range(1 + 3 * len(ROLES))],
    )
    w.own["Periodic report"] = reports[0]
    w.spare["Periodic report"] = dict(zip(ROLES, reports[1:7], strict=True))
    w.fresh["compute"] = dict(zip(ROLES, reports[7:13], strict=True))
    w.fresh["validate"] = dict(zip(ROLES, reports[13:], strict=True))
    w.other["Periodic report"] = quantri_api.call(
        "cks.periodic.report", "create", {"period_kind": "h1", "year": 2020, "body_id": stc}
    )
    _build_signing(w)

    # the register of printed forms (cks_report), one for the province: the entry the demo's print
    # of the letter of Sở TTTT its head signed recorded (the document of the own signature)
    letter = w.read_as_admin("cks.signature", w.own["Signature"], ["res_model", "res_id"])
    entry = admin.call(
        "cks.print.reference",
        "search",
        [("res_model", "=", letter["res_model"]), ("res_id", "=", letter["res_id"])],
        order="id",
        limit=1,
    )
    assert entry, f"the demo's print of {letter['res_model']} {letter['res_id']} recorded no reference"
    w.own["Printed form reference"] = entry[0]
    w.spare["Printed form reference"] = dict.fromkeys(ROLES, entry[0])  # nobody may delete one
    return w


def _build_requests(w):
    """The records of cks_request, each taken through the models' own steps (``World.requests``):
    requests of thuebao's own subscriber record (Sở TTTT) approved by thutruong, and of Sở Tài
    chính approved by its head; their decisions; letters to the CA."""
    (w.own["Certification request"],), _ = w.requests(1)  # a draft
    spare, _ = w.requests(len(ROLES))
    w.spare["Certification request"] = dict(zip(ROLES, spare, strict=True))
    for flow, state in (("submit", "draft"), ("verify", "submitted"), ("approve", "verified")):
        w.fresh[flow] = dict(zip(ROLES, w.requests(len(ROLES), state)[0], strict=True))
    w.fresh["record the CA's result"] = dict(zip(ROLES, w.requests(len(ROLES), "sent")[0], strict=True))

    # letters: Sở TTTT's being prepared, Sở Tài chính's sent, one being prepared per role to send
    (carried,), w.own["Letter to the CA"] = w.requests(1, "batched")
    (other,), w.other["Letter to the CA"] = w.requests(1, "sent", subscriber=w.other["Subscriber"], head="headstc")
    w.other["Certification request"] = other
    w.spare["Letter to the CA"] = dict.fromkeys(ROLES, w.own["Letter to the CA"])  # nobody may delete a letter
    approved, _ = w.requests(len(ROLES), "approved")
    w.fresh["send requests"] = dict(zip(ROLES, approved, strict=True))
    w.fresh["send"] = {
        role: w.admin.call("cks.request", "action_create_batch", [request])["res_id"]
        for role, request in w.fresh["send requests"].items()
    }
    (w.loose_request,), _ = w.requests(1, "approved")

    # decisions: the first one (submitted) of the request in each letter
    for kind, request in (("own", carried), ("other", other)):
        decisions = w.admin.call("cks.request.decision", "search", [("request_id", "=", request)], order="id", limit=1)
        getattr(w, kind)["Request decision"] = decisions[0]
    w.spare["Request decision"] = dict.fromkeys(ROLES, w.own["Request decision"])  # nobody may delete one


# A file a client may upload to be checked: any bytes (a check of it is refused, not needed here)
UPLOAD = {"file": "JVBERi0xLjcKJSBtYXRyaXgK", "file_name": "matrix.pdf"}  # base64 of "%PDF-1.7\n% matrix\n"


def _build_signing(w):
    """The records of cks_signing. Signatures are the demo's, since signing needs its tokens:
    own, the head's on the letter of Sở TTTT to the CA; other, the giver's on the handover record
    signed in the Văn phòng. Signature checks, each of the demo's handover record signed by both
    parties: own, uploaded and checked by thuebao; other, by the first user of Sở Tài chính; one
    upload per role to check (thanhtra, who uploads none, is given thuebao's). The line of a
    check: the first of the own and of the other check. Signatures prepared for the signing
    agent: own, the head's on a new letter of Sở TTTT; other, the giver's on a new handover
    record of the Văn phòng, of a device made here for its clerk; letters, one per role, on which
    the head's signature is prepared for the role to store."""
    admin = w.admin
    for kind, model, role, body in (
        ("own", "cks.request.batch", "head", "cks_subscriber.body_ht_stttt"),
        ("other", "cks.handover", "giver", "cks_subscriber.body_ht_vp"),
    ):
        documents = admin.call(model, "search", [("body_id", "=", w.ref[body])])
        found = admin.call(
            "cks.signature",
            "search",
            [("res_model", "=", model), ("res_id", "in", documents), ("role", "=", role)],
            limit=1,
        )
        assert found, f"the demo has no signature of the {role} on a {model} of {body} (is SoftHSM2 installed?)"
        getattr(w, kind)["Signature"] = found[0]
    w.spare["Signature"] = dict.fromkeys(ROLES, w.own["Signature"])  # nobody may delete one

    handover = w.read_as_admin("cks.signature", w.other["Signature"], ["res_id"])["res_id"]
    signed_file = w.read_as_admin("cks.handover", handover, ["signed_file_id"])["signed_file_id"][0]
    signed = {"file": w.read_as_admin("ir.attachment", signed_file, ["datas"])["datas"], "file_name": "Mau14.pdf"}

    def upload(login, name):
        return w.api[login].call("cks.signature.check", "create", {"name": f"Matrix {name} {w.tag}", **signed})

    for kind, login in (("own", "thuebao"), ("other", "stc1")):
        check = upload(login, kind)
        w.api[login].call("cks.signature.check", "action_check", [check])
        getattr(w, kind)["Signature check"] = check
        lines = admin.call("cks.signature.check.line", "search", [("check_id", "=", check)], order="sequence")
        assert lines, f"the check of the demo's signed handover record found no signature ({login})"
        getattr(w, kind)["Signature check line"] = lines[0]
    w.spare["Signature check"] = dict.fromkeys(ROLES, w.own["Signature check"])  # nobody may delete one
    w.spare["Signature check line"] = dict.fromkeys(ROLES, w.own["Signature check line"])
    w.fresh["check"] = {role: upload("thuebao" if role == "thanhtra" else role, f"fresh {role}") for role in ROLES}

    # signatures prepared for the signing agent, each by its signer through the document's step
    w.fingerprints = w.agent.fingerprints(w.api["thutruong"])
    _carried, letter = w.requests(1, "batched")
    w.own["Signing request"] = _prepare(w, "thutruong", "cks.request.batch", letter, "action_cks_sign_head")
    device = admin.call("cks.token", "create", {"serial": f"MX-{w.tag}-VP"})
    w.move([device], "issue", body_id=w.ref["cks_subscriber.body_ht_vp"])
    w.move([device], "assign", custodian_id=w.uid("vanthu.vp"))
    giver = w.api["vanthu.vp"]
    handover = giver.call(
        "cks.handover",
        "create",
        {
            "place": "Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh",
            "receiver_id": w.ref["cks_subscriber.user_demo_hieupv"],
            "line_ids": [(0, 0, {"token_id": device})],
        },
    )
    giver.call("cks.handover", "action_submit", [handover])
    w.other["Signing request"] = _prepare(w, "vanthu.vp", "cks.handover", handover, "action_cks_sign")
    w.spare["Signing request"] = dict.fromkeys(ROLES, w.own["Signing request"])  # nobody may delete one
    approved, _ = w.requests(len(ROLES), "approved")
    w.fresh["finish letters"] = {
        role: admin.call("cks.request", "action_create_batch", [request])["res_id"]
        for role, request in zip(ROLES, approved, strict=True)
    }


DEMO_PIN = "123456"  # of the demo's tokens


def _prepare(w, login, model, record, step, item=False):
    """As ``login``, the signature of ``step`` on the record prepared for the signing agent, for
    the certificates the agent found on the tokens plugged in: its id, or what the page relays."""
    prepared = w.api[login].call(model, "action_cks_agent_prepare", [record], step, w.fingerprints)
    return prepared if item else prepared["request_id"]


def _to_finish(w):
    """Per role, the head's signature prepared on the role's letter and signed by the agent with
    his token, ready to be stored; prepared when the first of the flows runs, since a request
    expires five minutes after it is prepared."""
    if "finish" not in w.fresh:
        prepared = {
            role: _prepare(w, "thutruong", "cks.request.batch", letter, "action_cks_sign_head", item=True)
            for role, letter in w.fresh["finish letters"].items()
        }
        signatures = w.agent.sign(list(prepared.values()), DEMO_PIN)
        w.fresh["finish"] = {role: item["request_id"] for role, item in prepared.items()}
        w.fresh["finish signatures"] = dict(zip(prepared, signatures, strict=True))
    return w.fresh["finish"]


PARAMS = ("pkcs11_module", "softhsm2_conf")  # of cks_signing: where the server's tokens are


@pytest.fixture(scope="module")
def agent(server, tmp_path_factory):
    """The signing agent on this computer, configured as a signer sets it up: the configuration
    file downloaded from Odoo (its origin, the public key of its request tokens), the PKCS#11
    module and the SoftHSM2 store of the demo's tokens the server uses."""
    admin = ExternalApi(server, DB, "admin", "admin")
    setup = admin.call("cks.signing.agent.setup", "create", {})
    (download,) = admin.call("cks.signing.agent.setup", "read", [setup], ["config_file"])
    config = json.loads(base64.b64decode(download["config_file"]))
    module, conf = (admin.call("ir.config_parameter", "get_param", f"cks_signing.{key}") for key in PARAMS)
    assert module and conf, "the demo has no signing set-up (is SoftHSM2 installed?)"
    agent = SigningAgent(config, module, conf, tmp_path_factory.mktemp("agent"))
    yield agent
    agent.stop()


@pytest.fixture(scope="module")
def world(server, agent):
    return _build(server, agent)


# ---------------------------------------------------------------------------- the matrix


def test_matrix_is_the_readme_table():
    text = README.read_text(encoding="utf-8")
    section = re.search(r"<!-- access-matrix -->(.*?)<!-- /access-matrix -->", text, re.DOTALL)
    assert section, "README.md has no table between <!-- access-matrix --> and <!-- /access-matrix -->"
    assert _parse_table(section.group(1)) == (MATRIX_ROLES, MATRIX_ROWS)
    assert MATRIX_ROLES == ROLES


def test_every_cell_is_run():
    """Each row of the table is run by exactly one of the tests below."""
    run = [p.values[0] for p in _cells("read", "write", "unlink", "create", "protected fields", "flow:")]
    rows = [row for row, _marks in MATRIX_ROWS]
    assert sorted(run) == sorted(row for row in rows for _role in ROLES)
    assert {_record(row) for row in rows} == set(MODELS)
    assert {_flow(row) for row in rows if "flow:" in row} == set(FLOWS)
    assert {_record(row) for row in rows if _operation(row) == "create"} == set(CREATES)


def _check(row, role, allowed, what):
    expected = EXPECTED[row][role]
    mark = "✓" if expected else "–"
    assert allowed == expected, f"{row} as {role}: the README says {mark}, but the server {what}"


# ---------------------------------------------------------------------------- read


def _visible_by_search(api, model, record_id):
    try:
        return api.call(model, "search", [("id", "=", record_id)])
    except RpcError as error:
        _refused(error)
        return []


@pytest.mark.parametrize(("row", "role"), _cells("read"))
def test_read(world, row, role):
    kind, api = _record(row), world.api[role]
    model, name = MODELS[kind], READ_FIELD[kind]
    record_id = (world.other if _operation(row) == "read other" else world.own)[kind]
    try:
        rows = api.call(model, "read", [record_id], [name])
    except RpcError as error:
        what = _refused(error)
        assert _visible_by_search(api, model, record_id) == [], f"{what}, but search returns the record"
        return _check(row, role, False, what)
    assert [r["id"] for r in rows] == [record_id]
    assert _visible_by_search(api, model, record_id) == [record_id], "read allowed, but search does not find it"
    _check(row, role, True, f"returned {name} = {rows[0][name]!r}")


# ---------------------------------------------------------------------------- write


def _put_back(world, role, model, record_id, values):
    """Undo an accepted write: as admin, or as its writer where even the administrator may not
    write (a signature check is its uploader's alone)."""
    try:
        world.admin.call(model, "write", [record_id], values)
    except RpcError as error:
        _refused(error)
        world.api[role].call(model, "write", [record_id], values)


@pytest.mark.parametrize(("row", "role"), _cells("write"))
def test_write(world, row, role):
    kind = _record(row)
    model, name = MODELS[kind], WRITE_FIELD[kind]
    record_id = (world.other if _operation(row) == "write other" else world.own)[kind]
    value = f"MX{world.tag}{role}".upper() if name == "scan_serial" else f"Matrix {role} {world.tag}"
    before = world.read_as_admin(model, record_id, [name])[name]
    try:
        world.api[role].call(model, "write", [record_id], {name: value})
    except RpcError as error:
        what = _refused(error)
        after = world.read_as_admin(model, record_id, [name])[name]
        assert after == before, f"{what}, but {name} changed from {before!r} to {after!r}"
        return _check(row, role, False, what)
    after = world.read_as_admin(model, record_id, [name])[name]
    _put_back(world, role, model, record_id, {name: before})
    assert after == value, f"the write was accepted, but {name} is {after!r}"
    _check(row, role, True, f"let {role} write {name}")


# ---------------------------------------------------------------------------- unlink


# records whose deletion is tried under each context key too: the register of printed forms
# refuses deletion in a check Odoo skips under the uninstall flag (``_force_unlink``)
UNLINK_UNDER_EVERY_KEY = {"Printed form reference"}


@pytest.mark.parametrize(("row", "role"), _cells("unlink"))
def test_unlink(world, row, role):
    kind = _record(row)
    model, record_id = MODELS[kind], world.spare[kind][role]
    assert world.exists(model, record_id)
    refusals = []
    for context in CONTEXTS if kind in UNLINK_UNDER_EVERY_KEY else [None]:
        try:
            world.api[role].call(model, "unlink", [record_id], context=context)
        except RpcError as error:
            refusals.append(_refused(error))
            assert world.exists(model, record_id), f"{refusals[-1]}, but the record is gone"
            continue
        assert not world.exists(model, record_id), "unlink was accepted, but the record is still there"
        return _check(row, role, True, f"let {role} delete it" + (f" with context {context}" if context else ""))
    _check(row, role, False, refusals[0] if len(refusals) == 1 else f"refused all {len(refusals)} tries")


# ---------------------------------------------------------------------------- create


def _create_decision(w, role):
    """A decision forged on thuebao's own request, made directly and through the request."""
    request = w.own["Certification request"]
    decision = {
        "step": "approve",
        "user_id": w.uid(role),
        "decided_at": _now(),
        "state_from": "verified",
        "state_to": "approved",
        "comment": f"forged by {role}",
    }
    tries = [
        ("cks.request.decision", "create", ({**decision, "request_id": request},)),
        ("cks.request", "write", ([request], {"decision_ids": [(0, 0, decision)]})),
    ]
    return tries, [("cks.request.decision", [])]


def _create_signature(w, role):
    """A signature forged on the signed letter of Sở TTTT in the role's name, and a copy of its
    head's signature."""
    own = w.read_as_admin("cks.signature", w.own["Signature"], ["res_model", "res_id", "document_name"])
    signature = {
        "res_model": own["res_model"],
        "res_id": own["res_id"],
        "document_name": own["document_name"],
        "sequence": 3,
        "role": "organization",
        "kind": "organization",
        "user_id": w.uid(role),
        "signed_at": _now(),
        "file_sha256": "f" * 64,
        "where": "server",
    }
    tries = [("cks.signature", "create", (signature,)), ("cks.signature", "copy", ([w.own["Signature"]],))]
    return tries, [("cks.signature", [])]


def _create_check(w, role):
    """A signed PDF uploaded to be checked, as anyone may who checks one."""
    name = f"Matrix upload {role} {w.tag}"
    tries = [("cks.signature.check", "create", ({"name": name, **UPLOAD},))]
    return tries, [("cks.signature.check", [("name", "=", name)])]


def _create_check_line(w, role):
    """A report line forged, saying the signature holds, on thuebao's checked check and on the
    role's own upload, made directly and through the check."""
    line = {"sequence": 9, "signer": f"forged by {role}", "intact": True, "valid": True, "trusted": True, "ok": True}
    tries = [
        ("cks.signature.check.line", "create", ({**line, "check_id": check},))
        for check in (w.own["Signature check"], w.fresh["check"][role])
    ]
    tries.append(("cks.signature.check", "write", ([w.fresh["check"][role]], {"line_ids": [(0, 0, line)]})))
    return tries, [("cks.signature.check.line", [])]


def _create_signing_request(w, role):
    """A signature forged as prepared for the role, on the letter of the head's, and a copy of
    the head's."""
    own = w.read_as_admin("cks.signing.request", w.own["Signing request"], ["res_model", "res_id", "certificate_id"])
    request = {
        "res_model": own["res_model"],
        "res_id": own["res_id"],
        "step": "action_cks_sign_head",
        "user_id": w.uid(role),
        "certificate_id": own["certificate_id"][0],
        "token_id": f"forged-{role}-{w.tag}",
        "expires_at": _now(days=1),
    }
    tries = [
        ("cks.signing.request", "create", (request,)),
        ("cks.signing.request", "copy", ([w.own["Signing request"]],)),
    ]
    return tries, [("cks.signing.request", [])]


def _forged_print_entry(w, role):
    """An entry of the register of printed forms, every field forged: a reference, well formed,
    of a print of the own handover record that never was, in a bystander's name."""
    digest = uuid.uuid4().hex * 2  # 64 hex digits, as a SHA-256
    handover = w.own["Handover record"]
    return {
        "reference": f"CKS1|cks.handover|{handover}|{digest}|-",
        "res_model": "cks.handover",
        "res_id": handover,
        "digest": digest,
        "anchor": f"1:{'f' * 64}",
        "form_code": "14",
        "form_title": f"forged by {role}",
        "printed_at": "2020-01-02 03:04:05",
        "printed_by_id": w.bystander,
    }


def _create_print_reference(w, role):
    """An entry forged in the register of printed forms, a copy of the letter's entry under a
    forged reference, and the register's own recording method called remotely."""
    entry = _forged_print_entry(w, role)
    forged = {"reference": entry["reference"]}
    tries = [
        ("cks.print.reference", "create", (entry,)),
        ("cks.print.reference", "copy", ([w.own["Printed form reference"]], forged)),
        ("cks.print.reference", "_record", (w.own["Handover record"], "14", "forged", forged)),
    ]
    return tries, [("cks.print.reference", [])]


# record -> the creates a role tries, (model, method, args) each, and what they must not add (model, domain)
CREATES = {
    "Request decision": _create_decision,
    "Signature": _create_signature,
    "Signature check": _create_check,
    "Signature check line": _create_check_line,
    "Signing request": _create_signing_request,
    "Printed form reference": _create_print_reference,
}


@pytest.mark.parametrize(("row", "role"), _cells("create"))
def test_create(world, row, role):
    """Each create tried as ``role`` under each context key: ✓ a record was made, – every try
    refused and nothing made."""
    api = world.api[role]
    attempts, counts = CREATES[_record(row)](world, role)
    before = [world.count(model, domain) for model, domain in counts]
    accepted = [
        a for model, method, args in attempts for ctx in CONTEXTS if (a := _attempt(api, model, method, args, ctx))
    ]
    after = [world.count(model, domain) for model, domain in counts]
    if accepted or after != before:
        return _check(row, role, True, f"accepted {accepted[:3]} ({len(accepted)} tries), counts {before} -> {after}")
    _check(row, role, False, f"refused all {len(attempts) * len(CONTEXTS)} tries")


# ---------------------------------------------------------------------------- protected fields


@dataclass
class Protected:
    """The fields of a record that only the flow sets, with a forged value each; the forged
    creates; and what else must not move (counted as admin)."""

    writes: dict
    creates: list = field(default_factory=list)
    counts: list = field(default_factory=list)  # (model, domain)
    creates_alone: list = field(default_factory=list)  # tried without context keys, and with all


def _protected(w, kind, role):  # noqa: PLR0911, PLR0912 - one entry per kind of record
    when = "2020-01-02 03:04:05"
    fake_hash = "f" * 64
    serial = w.read_as_admin("cks.token", w.devices["A"], ["serial"])["serial"]
    chain = [("cks.custody.event", []), ("cks.token", [("serial", "=like", f"MX-{w.tag}-FORGED%")])]
    match kind:
        case "Managing body":
            # fields of the contact that are no part of its address, and the contact itself: the
            # body writes its contact with elevated rights, so whoever could point a body at
            # another contact would edit that contact (a user's, the administrator's) through it
            return Protected(
                {"comment": "<p>forged</p>", "user_ids": [(4, w.bystander)], "partner_id": w.forged_partner}
            )
        case "Certificate":
            return Protected({"state": "revoked", "state_reason": "forged", "reminder_stage": 30})
        case "Device":
            return Protected(
                {
                    "state": "lost",
                    "custodian_id": w.uid("canbo"),
                    "body_id": w.ref["cks_subscriber.body_ht_stc"],
                    "location": "Forged location",
                    "classification": "Không mật",
                    "history_length": 999,
                    "history_hash": fake_hash,
                    "serial": f"MX-{w.tag}-FORGED-SERIAL",
                },
                creates=[
                    {
                        "serial": f"MX-{w.tag}-FORGED-{role}",
                        "state": "assigned",
                        "custodian_id": w.uid("vanthu"),
                        "body_id": w.ref["cks_subscriber.body_ht_stttt"],
                        "location": "Forged location",
                    }
                ],
                counts=chain,
            )
        case "Custody event":
            event = {
                "token_id": w.devices["A"],
                "token_serial": serial,
                "sequence": 999,
                "global_sequence": 999999,
                "event_type": "location",
                "state_from": "assigned",
                "state_to": "assigned",
                "actor_id": w.uid(role),
                "custodian_from_id": w.uid("vanthu"),
                "custodian_to_id": w.uid("vanthu"),
                "location": "Forged location",
                "occurred_at": when,
                "recorded_at": when,
                "reason": "forged",
                "event_hash": fake_hash,
            }
            return Protected({}, creates=[event], counts=chain)
        case "Handover record":
            return Protected(
                {
                    "name": "999/BB-BG",
                    "state": "done",
                    "giver_id": w.uid("thuebao"),
                    "body_id": w.ref["cks_subscriber.body_ht_stc"],
                    "handover_date": when,
                    "confirmed_at": when,
                    "refusal_reason": "forged",
                }
            )
        case "Lost device record":
            return Protected(
                {
                    "name": "999/BB-XN",
                    "state": "confirmed",
                    "reporter_id": w.uid("thuebao"),
                    "reported_at": when,
                    "late": True,
                    "body_id": w.ref["cks_subscriber.body_ht_stc"],
                }
            )
        case "Stocktake":
            return Protected(
                {
                    "name": "999/KK",
                    "state": "done",
                    "user_id": w.uid("thuebao"),
                    "date": "2020-01-02",
                    "closed_at": when,
                    "line_ids": [(0, 0, {"serial": "FORGED", "expected": True, "found": True})],
                    "anchor_sequence": 1,
                    "anchor_hash": fake_hash,
                    "anchor_taken_at": when,
                }
            )
        case "Chain verification":
            forged = {
                "intact": False,
                "events_checked": 1,
                "tokens_checked": 1,
                "seconds": 99.5,
                "events_per_second": 1,
                "summary": "forged",
                "anchors_checked": "forged",
                "line_ids": [(0, 0, {"kind": "altered", "detail": "forged"})],
                "anchor_sequence": 1,
                "anchor_hash": fake_hash,
                "anchor_taken_at": when,
            }
            return Protected(
                forged,
                creates=[{**forged, "intact": True, "line_ids": []}],
                counts=[("cks.custody.verification", []), ("cks.custody.verification.line", [])],
            )
        case "Chain head":
            return Protected({"last_hash": fake_hash, "event_count": 1}, counts=chain)
        case "Province profile":
            return Protected({"preset_id": w.forged_preset})
        case "Certification request":
            forged = _forged_request(w, when)
            content = {"request_type": "revocation", "subscriber_id": w.own["Subscriber"], "grounds": "body_request"}
            return Protected(
                forged,
                creates=[{**content, **forged}],
                creates_alone=[{**content, name: value} for name, value in forged.items()],
                counts=[
                    ("cks.request", [("subscriber_id", "in", [w.own["Subscriber"], w.other["Subscriber"]])]),
                    ("cks.request.decision", []),
                ],
            )
        case "Periodic report":
            forged = {
                "name": "999/BC-CKS",
                "state": "done",
                "computed_at": when,
                "computed_by_id": w.bystander,
                "done_at": when,
                "done_by_id": w.bystander,
                "breakdown": {"1": {"new_org": 99}},
                **dict.fromkeys(PERIODIC_FIGURES, 99),
            }
            least = {"year": 2020, "body_id": w.ref["cks_subscriber.body_ht_stttt"]}
            return Protected(
                forged,
                creates=[{**least, **forged}],
                creates_alone=[{**least, name: value} for name, value in forged.items()],
                counts=[("cks.periodic.report", [])],
            )
        case "Letter to the CA":
            forged = {
                "name": "999/CV-CKS",
                "state": "sent",
                "request_type": "change",
                "body_id": w.ref["cks_subscriber.body_ht_stc"],
                "sent_by_id": w.bystander,
                "sent_at": when,
                "deadline": "2020-01-02",
                "channel": "post",
                "sent_date": "2020-01-02",
                "reference": "forged",
                # the requests of a letter: only the flow puts a request in one
                "request_ids": [(4, w.loose_request)],
            }
            least = {"request_type": "revocation", "body_id": w.ref["cks_subscriber.body_ht_stttt"]}
            return Protected(
                forged,
                creates=[forged, least],
                counts=[
                    ("cks.request.batch", []),
                    ("cks.request", [("id", "=", w.loose_request), ("batch_id", "!=", False)]),
                ],
            )
        case "Signature":
            other = w.read_as_admin("cks.signature", w.other["Signature"], ["attachment_id"])
            return Protected(
                {
                    "res_model": "cks.handover",
                    "res_id": w.own["Handover record"],
                    "document_name": "999/BB-BG",
                    "sequence": 9,
                    "role": "organization",
                    "kind": "organization",
                    "user_id": w.bystander,
                    "signed_at": when,
                    "certificate_subject": "forged",
                    "certificate_serial": "forged",
                    "certificate_issuer": "forged",
                    "certificate_id": w.other["Certificate"],
                    "file_sha256": fake_hash,
                    "attachment_id": other["attachment_id"][0],
                    "declaration": "copy_by_body",
                    "where": "agent",
                    "token_serial": "forged",
                },
                counts=[("cks.signature", [])],
            )
        case "Signature check":
            # the result of a check, claimed: on thuebao's checked check it is reset
            result = {
                "state": "checked",
                "checked_at": when,
                "checked_by_id": w.bystander,
                "all_ok": True,
                "line_ids": [(0, 0, {"signer": "forged", "intact": True, "valid": True, "trusted": True, "ok": True})],
            }
            all_ok = w.read_as_admin("cks.signature.check", w.own[kind], ["all_ok"])["all_ok"]
            upload = {"name": f"Matrix forged {role} {w.tag}", **UPLOAD}
            return Protected(
                {**result, "state": "draft", "all_ok": not all_ok},
                creates=[{**upload, **result}],
                creates_alone=[{**upload, name: value} for name, value in result.items()],
                counts=[("cks.signature.check", []), ("cks.signature.check.line", [])],
            )
        case "Signature check line":
            verdicts = ("intact", "valid", "trusted", "ok")
            line = w.read_as_admin("cks.signature.check.line", w.own[kind], list(verdicts))
            return Protected(
                {
                    "check_id": w.other["Signature check"],
                    "sequence": 99,
                    "field_name": "Forged",
                    "signer": "forged",
                    "issuer": "forged",
                    "certificate_serial": "forged",
                    "signed_at": when,
                    "timestamp": when,
                    **{name: not line[name] for name in verdicts},
                    "coverage": "partial",
                    "modification": "other",
                    "revocation": "revoked",
                }
            )
        case "Signing request":
            return Protected(
                {
                    "res_model": "cks.handover",
                    "res_id": w.own["Handover record"],
                    "document_name": "999/BB-BG",
                    "step": "action_cks_seal",
                    "declaration": "copy_by_body",
                    "scan": UPLOAD["file"],
                    # the head's request taken over by the role (by a bystander, for the head)
                    "user_id": w.bystander if role == "thutruong" else w.uid(role),
                    "certificate_id": w.other["Certificate"],
                    "base_sha256": fake_hash,
                    "prepared_pdf": UPLOAD["file"],
                    "document_digest": fake_hash,
                    "reserved_start": 1,
                    "reserved_end": 2,
                    "signed_attributes": UPLOAD["file"],
                    "token_id": "forged",
                    "expires_at": "2099-12-31 23:59:59",
                    "state": "signed",
                    "signature_id": w.own["Signature"],
                },
                counts=[("cks.signing.request", []), ("cks.signature", [])],
            )
        case "Printed form reference":
            # kept as printed: every field it stores (it declares no flow fields, nothing may change)
            return Protected(_forged_print_entry(w, role), counts=[("cks.print.reference", [])])
    raise AssertionError(kind)


# the figures of a periodic report, counted by the flow alone (cks_report/lib/report_xlsx.py)
PERIODIC_FIGURES = [
    f"{row}_{part}" for row in ("new", "revoked", "changed", "renewed") for part in ("org", "ind", "dev")
] + ["devices_recovered", "devices_returned", "incidents_lost", "incidents_damaged", "incidents_compromised"]


def _forged_request(w, when):
    """A forged value of every flow field of a certification request."""
    return {
        "name": "999/YC-CKS",
        "state": "approved",
        "body_id": w.ref["cks_subscriber.body_ht_stc"],
        "holder_body_id": w.ref["cks_subscriber.body_ht_stc"],
        "route": "escalate",
        "drafted_by_id": w.bystander,
        "auto_drafted": True,
        "submitted_by_id": w.bystander,
        "submitted_at": when,
        "verified_by_id": w.bystander,
        "verified_at": when,
        "approved_by_id": w.bystander,
        "approved_at": when,
        "batch_id": w.other["Letter to the CA"],
        "result_at": when,
        "result_by_id": w.bystander,
        "result_reason": "forged",
        "effect_applied": True,
        "origin_id": w.other["Certification request"],
        "step_start": "2020-01-02",
        "step_days": 99,
        "deadline": "2020-01-02",
        "overdue": True,
        "device_received_at": when,
        "handed_back_ref": "forged",
    }


def _flow_fields(path, model):
    """The ``_flow_fields`` the class of ``model`` declares in ``path`` (read from the source)."""
    for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ClassDef):
            continue
        assigned = {
            target.id: stmt.value
            for stmt in node.body
            if isinstance(stmt, ast.Assign)
            for target in stmt.targets
            if isinstance(target, ast.Name)
        }
        if "_name" in assigned and ast.literal_eval(assigned["_name"]) == model:
            return set(ast.literal_eval(assigned["_flow_fields"]))
    raise AssertionError(f"no class of {model} in {path}")


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("Certification request", "addons/cks_request/models/cks_request.py"),
        ("Letter to the CA", "addons/cks_request/models/cks_request_batch.py"),
        ("Periodic report", "addons/cks_report/models/cks_periodic_report.py"),
        ("Signature", "addons/cks_signing/models/cks_signature.py"),
        ("Signature check", "addons/cks_signing/models/cks_signature_check.py"),
        ("Signature check line", "addons/cks_signing/models/cks_signature_check.py"),
        ("Signing request", "addons/cks_signing/models/cks_signing_request.py"),
    ],
)
def test_protected_fields_cover_the_flow_fields(world, kind, path):
    """The protected-fields row of a record listed here forges every flow field its model declares."""
    missing = _flow_fields(path, MODELS[kind]) - set(_protected(world, kind, "thuebao").writes)
    assert not missing, f"{kind}: the forged writes miss the flow fields {sorted(missing)}"


def test_protected_fields_cover_the_register_of_prints(world):
    """The register of printed forms declares no flow fields, since nothing of an entry may
    change: its protected-fields row forges every field it stores but Odoo's own."""
    kind = "Printed form reference"
    fields = world.admin.call(MODELS[kind], "fields_get", attributes=["store"])
    odoo_own = {"id", "create_uid", "create_date", "write_uid", "write_date"}
    stored = {name for name, spec in fields.items() if spec["store"]} - odoo_own
    missing = stored - set(_protected(world, kind, "thuebao").writes)
    assert not missing, f"{kind}: the forged writes miss the stored fields {sorted(missing)}"


def _snapshot(w, model, record_id, spec):
    values = w.read_as_admin(model, record_id, sorted(spec.writes)) if spec.writes else {}
    if model == "cks.token" or spec.counts:
        values["custody events of device A"] = w.events(w.devices["A"])
        values["chain head"] = w.read_as_admin("cks.custody.head", w.own["Chain head"], ["event_count", "last_hash"])
    for model_counted, domain in spec.counts:
        values[f"{model_counted} {domain}"] = w.count(model_counted, domain)
    return values


def _attempt(api, model, method, args, context):
    """None when refused, else what the server accepted."""
    try:
        api.call(model, method, *args, context=context)
    except RpcError as error:
        _refused(error)
        return None
    return f"{method} {args[-1]!r} with context {context}"


def _restore(w, model, record_id, names, before, after):
    """Best effort, as admin, so that a forged write the server took does not spoil later cells."""
    for name in names:
        old = before[name]
        if after[name] == old:
            continue
        if name.endswith("_ids"):
            value = [(6, 0, old)]
        elif isinstance(old, list):
            value = old[0] if old else False
        else:
            value = old
        with contextlib.suppress(RpcError):
            w.admin.call(model, "write", [record_id], {name: value})


@pytest.mark.parametrize(("row", "role"), _cells("protected fields"))
def test_protected_fields(world, row, role):
    """Every field only the flow sets, written as ``role`` with a forged value under each context
    key the code ever read, and every forged create: all refused, nothing changed."""
    kind, api = _record(row), world.api[role]
    model, record_id = MODELS[kind], world.own[kind]
    spec = _protected(world, kind, role)
    tries = [("write", ([record_id], {name: value}), ctx) for name, value in spec.writes.items() for ctx in CONTEXTS]
    tries += [("create", (vals,), ctx) for vals in spec.creates for ctx in CONTEXTS]
    tries += [("create", (vals,), ctx) for vals in spec.creates_alone for ctx in (CONTEXTS[0], CONTEXTS[-1])]
    before = _snapshot(world, model, record_id, spec)
    with ThreadPoolExecutor(max_workers=2) as pool:  # the server answers two at once best
        accepted = [a for a in pool.map(lambda t: _attempt(api, model, *t), tries) if a]
    after = _snapshot(world, model, record_id, spec)
    changed = {name: (before[name], after[name]) for name in before if after[name] != before[name]}
    if changed:
        _restore(world, model, record_id, spec.writes, before, after)
    if accepted or changed:
        return _check(row, role, True, f"accepted {accepted[:3]} ({len(accepted)} of {len(tries)}), changed {changed}")
    _check(row, role, False, f"refused all {len(tries)} tries")


# ---------------------------------------------------------------------------- flows


def _flow_revoke(w, role):
    cert = w.fresh["revoke"][role]
    w.api[role].call("cks.certificate", "action_revoke", [cert])
    return w.read_as_admin("cks.certificate", cert, ["state"])["state"] == "revoked", "certificate not revoked"


def _flow_register(w, role):
    serial = f"MX-{w.tag}-REG-{role}"
    token = w.api[role].call("cks.token", "create", {"serial": serial})
    device = w.read_as_admin("cks.token", token, ["serial", "state"])
    return device == {"id": token, "serial": serial, "state": "received"} and w.events(token) == 1, str(device)


def _flow_relocate(w, role):
    api, token = w.api[role], w.devices["A"]
    location = f"Tủ sắt {role} {w.tag}"
    events = w.events(token)
    wizard = api.call(
        "cks.token.transition",
        "create",
        {"token_ids": [(6, 0, [token])], "move": "relocate", "location": location, "reason": "access matrix"},
    )
    api.call("cks.token.transition", "action_confirm", [wizard])
    moved = w.read_as_admin("cks.token", token, ["location"])["location"] == location and w.events(token) == events + 1
    return moved, "location or custody event missing"


def _flow_confirm_receipt(w, role):
    handover = w.fresh["confirm receipt"][role]
    w.api[role].call("cks.handover", "action_confirm_receipt", [handover])
    token = w.devices[f"H{role}"]
    custodian = w.read_as_admin("cks.token", token, ["custodian_id"])["custodian_id"]
    done = w.read_as_admin("cks.handover", handover, ["state"])["state"] == "done"
    return done and custodian and custodian[0] == w.uid("canbo") and w.events(token) == 4, "custody not changed"


def _flow_confirm_loss(w, role):
    report = w.fresh["confirm loss"][role]
    w.api[role].call("cks.loss.report", "action_confirm", [report])
    token = w.devices[f"L{role}"]
    confirmed = w.read_as_admin("cks.loss.report", report, ["state"])["state"] == "confirmed"
    lost = w.read_as_admin("cks.token", token, ["state"])["state"] == "lost"
    return confirmed and lost and w.events(token) == 4, "record not confirmed or device not lost"


def _flow_start_counting(w, role):
    stocktake = w.fresh["start counting"][role]
    w.api[role].call("cks.stocktake", "action_start", [stocktake])
    values = w.read_as_admin("cks.stocktake", stocktake, ["state", "name"])
    return values["state"] == "counting" and values["name"] != "/", str(values)


def _flow_verify(w, role):
    before = w.count("cks.custody.verification", [])
    action = w.api[role].call("cks.custody.verification", "action_run")
    intact = w.read_as_admin("cks.custody.verification", action["res_id"], ["intact"])["intact"]
    return w.count("cks.custody.verification", []) == before + 1 and intact, "no intact verification kept"


def _actor(values, name):
    return values[name] and values[name][0]


def _decided_by(w, request, step):
    """Who took ``step`` on the request, as its decision log says."""
    rows = w.admin.call(
        "cks.request.decision", "search_read", [("request_id", "=", request), ("step", "=", step)], ["user_id"]
    )
    return [row["user_id"][0] for row in rows]


def _request_step(w, role, flow, method, *args, state, actor, step):
    """One step of a fresh request as ``role``: its state, its actor and its decision are there."""
    request = w.fresh[flow][role]
    w.api[role].call("cks.request", method, [request], *args)
    values = w.read_as_admin("cks.request", request, ["state", actor])
    done = values["state"] == state and _actor(values, actor) == w.uid(role)
    return done and _decided_by(w, request, step) == [w.uid(role)], f"{values}, decisions {step}"


def _flow_submit(w, role):
    return _request_step(w, role, "submit", "action_submit", state="submitted", actor="submitted_by_id", step="submit")


def _flow_verify_request(w, role):
    return _request_step(
        w, role, "verify", "action_verify", "Matrix", state="verified", actor="verified_by_id", step="verify"
    )


def _flow_approve(w, role):
    return _request_step(
        w, role, "approve", "action_approve", "Matrix", state="approved", actor="approved_by_id", step="approve"
    )


def _result_certificate(w, role):
    request = w.fresh["record the CA's result"][role]
    return w.read_as_admin("cks.request", request, ["certificate_id"])["certificate_id"][0]


def _flow_record_result(w, role):
    """The CA revoked the certificate: the request is done and its certificate revoked."""
    done, missing = _request_step(
        w,
        role,
        "record the CA's result",
        "action_record_result",
        "done",
        state="done",
        actor="result_by_id",
        step="result_done",
    )
    revoked = w.read_as_admin("cks.certificate", _result_certificate(w, role), ["state"])["state"] == "revoked"
    return done and revoked, f"{missing}, certificate revoked: {revoked}"


def _flow_send(w, role):
    batch, request = w.fresh["send"][role], w.fresh["send requests"][role]
    reference = f"MX/{role}/{w.tag}"
    w.api[role].call("cks.request.batch", "action_send", [batch], channel="ca_portal", reference=reference)
    values = w.read_as_admin("cks.request.batch", batch, ["state", "sent_by_id", "reference"])
    sent = values["state"] == "sent" and _actor(values, "sent_by_id") == w.uid(role)
    request_sent = w.read_as_admin("cks.request", request, ["state"])["state"] == "sent"
    return sent and request_sent and _decided_by(w, request, "send") == [w.uid(role)], str(values)


def _flow_compute_report(w, role):
    report = w.fresh["compute"][role]
    w.api[role].call("cks.periodic.report", "action_compute", [report])
    values = w.read_as_admin("cks.periodic.report", report, ["computed_at", "computed_by_id", "state"])
    return values["computed_at"] and _actor(values, "computed_by_id") == w.uid(role), str(values)


def _flow_validate_report(w, role):
    report = w.fresh["validate"][role]
    w.api[role].call("cks.periodic.report", "action_validate", [report])
    values = w.read_as_admin("cks.periodic.report", report, ["state", "name", "done_by_id"])
    done = values["state"] == "done" and values["name"] != "/" and _actor(values, "done_by_id") == w.uid(role)
    return done, str(values)


def _flow_check(w, role):
    """The role checks a signed PDF it uploaded: a report line per signature, its name on it."""
    check = w.fresh["check"][role]
    w.api[role].call("cks.signature.check", "action_check", [check])
    values = w.read_as_admin("cks.signature.check", check, ["state", "checked_by_id", "line_ids"])
    done = values["state"] == "checked" and _actor(values, "checked_by_id") == w.uid(role) and values["line_ids"]
    return done, str(values)


def _flow_finish(w, role):
    """The role stores the signature the agent made with the head's token for the head's request:
    the request is used up, the letter signed by the head through the agent."""
    request = _to_finish(w)[role]
    signature = w.fresh["finish signatures"][role]
    try:
        w.api[role].call("cks.signing.request", "action_finish", [request], signature, context=EN)
    except RpcError as error:
        assert "No signature of yours was prepared" in error.message, f"refused for another reason: {error.message}"
        raise
    values = w.read_as_admin("cks.signing.request", request, ["state", "signature_id"])
    letter = w.read_as_admin("cks.request.batch", w.fresh["finish letters"][role], ["signature_state"])
    kept = values["signature_id"] and w.read_as_admin("cks.signature", values["signature_id"][0], ["user_id", "where"])
    done = values["state"] == "signed" and letter["signature_state"] == "head"
    signed = kept and _actor(kept, "user_id") == w.uid("thutruong") and kept["where"] == "agent"
    return done and signed, f"{values}, {letter}, {kept}"


def _watch_report(flow):
    return lambda w, r: [
        ("cks.periodic.report", w.fresh[flow][r], ["state", "name", "computed_at", "computed_by_id", "done_by_id"])
    ]


def _watch_request(flow, *extra):
    return lambda w, r: [("cks.request", w.fresh[flow][r], ["state", "decision_ids", *extra])]


# (record, flow name) in the table -> (the step, what it may change: (model, id of record, fields) as admin reads it)
FLOWS = {
    ("Certificate", "revoke"): (_flow_revoke, lambda w, r: [("cks.certificate", w.fresh["revoke"][r], ["state"])]),
    ("Device", "register"): (_flow_register, lambda w, r: []),
    ("Device", "change location"): (
        _flow_relocate,
        lambda w, r: [("cks.token", w.devices["A"], ["location", "state"])],
    ),
    ("Handover record", "confirm receipt"): (
        _flow_confirm_receipt,
        lambda w, r: [
            ("cks.handover", w.fresh["confirm receipt"][r], ["state"]),
            ("cks.token", w.devices[f"H{r}"], ["custodian_id", "state"]),
        ],
    ),
    ("Lost device record", "confirm"): (
        _flow_confirm_loss,
        lambda w, r: [
            ("cks.loss.report", w.fresh["confirm loss"][r], ["state", "name"]),
            ("cks.token", w.devices[f"L{r}"], ["state"]),
        ],
    ),
    ("Stocktake", "start counting"): (
        _flow_start_counting,
        lambda w, r: [("cks.stocktake", w.fresh["start counting"][r], ["state"])],
    ),
    ("Chain verification", "verify"): (_flow_verify, lambda w, r: []),
    ("Certification request", "submit"): (_flow_submit, _watch_request("submit", "submitted_by_id")),
    ("Certification request", "verify"): (_flow_verify_request, _watch_request("verify", "verified_by_id")),
    ("Certification request", "approve"): (_flow_approve, _watch_request("approve", "approved_by_id")),
    ("Certification request", "record the CA's result"): (
        _flow_record_result,
        lambda w, r: [
            *_watch_request("record the CA's result", "result_by_id", "effect_applied")(w, r),
            ("cks.certificate", _result_certificate(w, r), ["state"]),
        ],
    ),
    ("Letter to the CA", "send"): (
        _flow_send,
        lambda w, r: [
            ("cks.request.batch", w.fresh["send"][r], ["state", "sent_by_id", "reference"]),
            ("cks.request", w.fresh["send requests"][r], ["state", "decision_ids"]),
        ],
    ),
    ("Periodic report", "compute"): (_flow_compute_report, _watch_report("compute")),
    ("Periodic report", "validate"): (_flow_validate_report, _watch_report("validate")),
    ("Signature check", "check"): (
        _flow_check,
        lambda w, r: [
            ("cks.signature.check", w.fresh["check"][r], ["state", "checked_at", "checked_by_id", "all_ok", "line_ids"])
        ],
    ),
    ("Signing request", "finish"): (
        _flow_finish,
        lambda w, r: [
            ("cks.signing.request", _to_finish(w)[r], ["state", "signature_id"]),
            ("cks.request.batch", w.fresh["finish letters"][r], ["signed_file_id", "cks_signature_ids"]),
        ],
    ),
}


def _flow_state(w, role, watched):
    return {
        "records": [w.read_as_admin(model, record_id, fields) for model, record_id, fields in watched(w, role)],
        "custody events": w.count("cks.custody.event", []),
        "devices": w.count("cks.token", []),
        "verifications": w.count("cks.custody.verification", []),
    }


@pytest.mark.parametrize(("row", "role"), _cells("flow:"))
def test_flow(world, row, role):
    step, watched = FLOWS[_flow(row)]
    before = _flow_state(world, role, watched)
    try:
        done, missing = step(world, role)
    except RpcError as error:
        what = _refused(error)
        after = _flow_state(world, role, watched)
        assert after == before, f"{what}, but something moved: {before} -> {after}"
        return _check(row, role, False, what)
    assert done, f"the step was accepted, but its effect is not there: {missing}"
    _check(row, role, True, f"let {role} do it")


# ---------------------------------------------------------------------------- requests: bad inputs

EN = {"lang": "en_US"}  # the messages checked below are the English ones


def _refusal(api, model, method, *args):
    """The message of the server's refusal (an access or user error) of the call, in English."""
    with pytest.raises(RpcError) as caught:
        api.call(model, method, *args, context=EN)
    _refused(caught.value)
    return caught.value.message


def _states(w, requests, fields=("state",)):
    return {
        row["id"]: tuple(row[name] for name in fields) for row in w.admin.call("cks.request", "read", requests, fields)
    }


def test_request_for_a_subscriber_outside_scope(world):
    """An officer drafts for the subscribers of his body only, a subscriber for themself: a
    request for a subscriber of Sở Tài chính is refused saying so, and nothing is made; nor is a
    draft moved to such a subscriber. Moved by the province, a draft goes with its new subscriber."""
    w = world
    own, other = w.own["Subscriber"], w.other["Subscriber"]
    stttt, stc = w.ref["cks_subscriber.body_ht_stttt"], w.ref["cks_subscriber.body_ht_stc"]
    (cert,) = w.certificates(1, other)
    vals = {"request_type": "revocation", "subscriber_id": other, "certificate_id": cert, "grounds": "body_request"}
    before = w.count("cks.request", [("subscriber_id", "=", other)])
    for role in ("canbo", "thuebao", "thutruong"):
        message = _refusal(w.api[role], "cks.request", "create", vals)
        assert "outside your scope" in message and "managing body" in message, f"{role}: {message}"
    draft = w.api["canbo"].call(
        "cks.request", "create", {"request_type": "revocation", "subscriber_id": own, "grounds": "body_request"}
    )
    message = _refusal(w.api["canbo"], "cks.request", "write", [draft], {"subscriber_id": other})
    assert "outside your scope" in message, message
    assert w.count("cks.request", [("subscriber_id", "=", other)]) == before
    fields = ("subscriber_id", "body_id", "holder_body_id")
    assert [v[0] for v in _states(w, [draft], fields)[draft]] == [own, stttt, stttt]

    # the province drafts for anyone: the draft moves to Sở Tài chính with its subscriber
    draft = w.api["quantri"].call(
        "cks.request", "create", {"request_type": "revocation", "subscriber_id": own, "grounds": "body_request"}
    )
    w.api["quantri"].call("cks.request", "write", [draft], {"subscriber_id": other})
    assert [v[0] for v in _states(w, [draft], fields)[draft]] == [other, stc, stc]
    assert w.api["canbo"].call("cks.request", "search", [("id", "=", draft)]) == []


def test_approval_by_drafter_or_verifier(world):
    """Four eyes: the head approves neither a request he drafted nor one he verified; another
    head of the body approves them."""
    w = world
    thutruong = w.api["thutruong"]
    (cert,) = w.certificates(1, w.own["Subscriber"])
    drafted = thutruong.call(
        "cks.request",
        "create",
        {
            "request_type": "revocation",
            "subscriber_id": w.own["Subscriber"],
            "certificate_id": cert,
            "grounds": "body_request",
        },
    )
    thutruong.call("cks.request", "action_submit", [drafted])
    w.api["canbo"].call("cks.request", "action_verify", [drafted])
    (verified,), _ = w.requests(1, "submitted")
    thutruong.call("cks.request", "action_verify", [verified])
    for request in (drafted, verified):
        message = _refusal(thutruong, "cks.request", "action_approve", [request])
        assert "You drafted or verified request" in message, message
        assert _states(w, [request])[request] == ("verified",)
        assert _decided_by(w, request, "approve") == []
        w.api["head2"].call("cks.request", "action_approve", [request])
        assert _decided_by(w, request, "approve") == [w.uid("head2")]


def test_result_of_a_request_never_sent(world):
    """The CA's result is recorded only for a request sent to it: not for an approved request,
    nor for one in a letter not sent yet."""
    w = world
    (approved,), _ = w.requests(1, "approved")
    (batched,), _ = w.requests(1, "batched")
    for request, state in ((approved, "approved"), (batched, "batched")):
        for outcome in ("done", "refused"):
            message = _refusal(w.api["canbo"], "cks.request", "action_record_result", [request], outcome, "CA said no")
            assert "only for a request sent to the CA" in message, message
        values = w.read_as_admin("cks.request", request, ["state", "result_by_id", "effect_applied", "certificate_id"])
        assert (values["state"], values["result_by_id"], values["effect_applied"]) == (state, False, False)
        assert w.read_as_admin("cks.certificate", values["certificate_id"][0], ["state"])["state"] == "valid"
        assert _decided_by(w, request, "result_done") == _decided_by(w, request, "result_refused") == []


def test_letter_mixing_types_or_bodies(world):
    """One letter carries approved requests of one type and one body: a selection mixing a
    revocation and a change, or Sở TTTT and Sở Tài chính, makes no letter."""
    w = world
    (revocation,), _ = w.requests(1, "approved")
    (change,), _ = w.requests(1, "approved", request_type="change")
    (stc_request,), _ = w.requests(1, "approved", subscriber=w.other["Subscriber"], head="headstc")
    requests = [revocation, change, stc_request]
    before = (w.count("cks.request.batch", []), _states(w, requests, ("state", "batch_id")))

    message = _refusal(w.api["canbo"], "cks.request", "action_create_batch", [revocation, change])
    assert "one type" in message, message
    message = _refusal(w.api["quantri"], "cks.request", "action_create_batch", [revocation, stc_request])
    assert "one body" in message and "Sở Tài chính" in message, message
    _refusal(w.api["canbo"], "cks.request", "action_create_batch", [revocation, stc_request])  # not his to see
    assert (w.count("cks.request.batch", []), _states(w, requests, ("state", "batch_id"))) == before


def test_second_approval(world):
    """A request is approved once: approving it again, by the same head or another, is refused
    and the log keeps one approval."""
    w = world
    (request,), _ = w.requests(1, "approved")
    for head in ("thutruong", "head2"):
        message = _refusal(w.api[head], "cks.request", "action_approve", [request])
        assert "cannot be approved" in message, message
    assert _decided_by(w, request, "approve") == [w.uid("thutruong")]
    values = w.read_as_admin("cks.request", request, ["state", "approved_by_id"])
    assert (values["state"], _actor(values, "approved_by_id")) == ("approved", w.uid("thutruong"))


# ---------------------------------------------------------------------------- requests: two heads at once


def _approve_at_once(w, head, request, barrier):
    barrier.wait(timeout=30)
    try:
        w.api[head].call("cks.request", "action_approve", [request], context=EN)
    except RpcError as error:
        _refused(error)
        return error.message
    return "ok"


def test_two_heads_approve_at_once(world):
    """Two heads of Sở TTTT approve the same verified request at the same moment, each in their
    own call and transaction: exactly one succeeds, the other is told another user is deciding
    on it (or that it is approved already), and the log keeps one approval. Three times."""
    w = world
    heads = ("thutruong", "head2")
    requests, _ = w.requests(3, "verified")
    for request in requests:
        barrier = threading.Barrier(len(heads))
        with ThreadPoolExecutor(max_workers=len(heads)) as pool:
            outcome = list(pool.map(_approve_at_once, [w] * 2, heads, [request] * 2, [barrier] * 2))
        assert outcome.count("ok") == 1, outcome
        refused = next(message for message in outcome if message != "ok")
        assert "Another user is deciding on this request" in refused or "cannot be approved" in refused, refused
        winner = w.uid(heads[outcome.index("ok")])
        assert _decided_by(w, request, "approve") == [winner]
        values = w.read_as_admin("cks.request", request, ["state", "approved_by_id"])
        assert (values["state"], _actor(values, "approved_by_id")) == ("approved", winner)


# ---------------------------------------------------------------------------- at the end


def test_custody_chain_intact_after_all_tries(world):
    """After every try of the module (the refused ones and the flows that ran), the custody
    chain still verifies."""
    action = world.admin.call("cks.custody.verification", "action_run")
    result = world.read_as_admin("cks.custody.verification", action["res_id"], ["intact", "summary"])
    assert result["intact"], f"chain broken (it was {'intact' if world.verified_intact else 'broken'} before): {result}"
