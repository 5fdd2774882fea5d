"""The signing agent on a real SoftHSM2 token, over HTTP on loopback, as a browser page relays:
Odoo prepares the PDF (pyHanko's interrupted signing), the agent signs the signed attributes with
the token in one PIN session, Odoo embeds the signature; the agent refuses another origin, a
non-loopback Host, a forged, altered, expired or replayed request token, data other than what
the token names, and too many requests; the PIN is in no log line and no reply."""

import base64
import hashlib
import json
import logging
import threading
import urllib.error
import urllib.request

import pytest
from cks_signing_lib import agent_token as at
from cks_signing_lib import pdf_signing as ps
from cks_signing_lib import pdf_validation as pv
from cks_signing_lib import signing_agent as sa
from cks_signing_lib import softhsm_store as hsm
from test_pdf_signing import BODY, PERSON, WHEN, blank_pdf

ORIGIN = "https://cks.hatinh.example"


@pytest.fixture(scope="module")
def keys(softhsm):
    module, pins, ca = softhsm["module"], softhsm["pins"], softhsm["ca"]
    certificates = {}
    for token, kind, name in (("agent", "rsa", PERSON), ("agent_ec", "ec", BODY)):
        public = hsm.generate_key(module, token, pins[token], b"\x07", "signing", kind=kind)
        certificates[token] = ca.issue(public, name, organization=BODY)
        hsm.store_certificate(module, token, pins[token], b"\x07", "signing", certificates[token])
    return certificates


@pytest.fixture
def odoo_key():
    return at.new_key()


@pytest.fixture
def agent(softhsm, keys, odoo_key):
    """An agent on a free loopback port, serving in a thread; its console lines collected."""
    console = []
    signing_agent = sa.SigningAgent(
        softhsm["module"], origin=ORIGIN, public_key=odoo_key.public_key(), rate=50, out=console.append
    )
    server = sa.serve(signing_agent, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    signing_agent.url = f"http://127.0.0.1:{server.server_address[1]}"
    signing_agent.console = console
    yield signing_agent
    server.shutdown()
    server.server_close()


def call(agent, path, body=None, origin=ORIGIN, host=None, listing=None):
    """(status, JSON) of a request to the agent, as a page of ``origin`` makes it."""
    headers = {"Content-Type": "application/json"}
    if listing:
        headers["X-CKS-Request"] = listing
    if origin:
        headers["Origin"] = origin
    if host:
        headers["Host"] = host
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(agent.url + path, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}"), response.headers
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), error.headers


def prepared(softhsm, keys, odoo_key, token="agent", number="12/BB-BG", **claims):
    """What Odoo sends the page: the prepared signature and its request token."""
    certificate = keys[token]
    prep = ps.prepare_signature(
        blank_pdf(),
        certificate,
        chain=[softhsm["ca"].certificate],
        field_name="Signature1",
        appearance=ps.Appearance(ps.INDIVIDUAL, PERSON, WHEN, title="Chuyên viên", body=BODY),
        box=(60, 60, 300, 140),
    )
    values = {
        "origin": ORIGIN,
        "title": "Biên bản bàn giao (Mẫu 14)",
        "number": number,
        "sha256": prep.data_sha256,
        "certificate": sa.fingerprint(certificate),
        **claims,
    }
    request, _claims = at.issue(odoo_key, **values)
    return prep, {"request": request, "data": base64.b64encode(prep.signed_attributes).decode()}


def test_a_document_prepared_by_odoo_signed_by_the_agent_verifies(softhsm, keys, odoo_key, agent, caplog):
    caplog.set_level(logging.DEBUG)
    status, listing, headers = call(agent, "/certificates", listing=at.issue_listing(odoo_key, origin=ORIGIN))
    assert status == 200 and headers["Access-Control-Allow-Origin"] == ORIGIN
    tokens = {token["label"]: token for token in listing["tokens"]}
    assert [cert["fingerprint"] for cert in tokens["agent"]["certificates"]] == [sa.fingerprint(keys["agent"])]
    assert not tokens["agent"]["locked"]

    documents = [prepared(softhsm, keys, odoo_key, number=f"{n}/BB-BG") for n in (1, 2, 3)]
    status, result, _headers = call(agent, "/sign", {"pin": "505050", "items": [item for _p, item in documents]})
    assert status == 200, result
    assert result["token"] == "agent"
    assert result["shown"] == [f"Biên bản bàn giao (Mẫu 14) ({n}/BB-BG)" for n in (1, 2, 3)]
    assert "  - Biên bản bàn giao (Mẫu 14) (2/BB-BG)" in agent.console  # shown on the agent's console
    for (prep, _item), signature in zip(documents, result["signatures"], strict=True):
        pdf = ps.finish_signature(prep, base64.b64decode(signature), keys["agent"], chain=[softhsm["ca"].certificate])
        (report,) = pv.validate_pdf(pdf, [softhsm["ca"].certificate])
        assert (report.signer, report.intact, report.valid, report.trusted) == (PERSON, True, True, True)
    logged = caplog.text + "\n".join(agent.console)
    assert "505050" not in logged and "POST /sign" in logged

    # an ECDSA key on another token: the same path
    prep, item = prepared(softhsm, keys, odoo_key, token="agent_ec")
    status, result, _headers = call(agent, "/sign", {"pin": "606060", "items": [item]})
    assert status == 200, result
    pdf = ps.finish_signature(prep, base64.b64decode(result["signatures"][0]), keys["agent_ec"])
    assert pv.validate_pdf(pdf, [softhsm["ca"].certificate])[0].ok


def test_another_origin_or_host_is_refused(agent, odoo_key):
    listing = at.issue_listing(odoo_key, origin=ORIGIN)
    for origin in ("https://evil.example", None, ORIGIN + ":8443", "null"):
        status, answer, headers = call(agent, "/certificates", origin=origin, listing=listing)
        assert (status, answer["error"]) == (403, "origin")
        assert "Access-Control-Allow-Origin" not in headers
    status, answer, _headers = call(agent, "/status", host="cks.attacker.example:8765")  # DNS rebinding
    assert (status, answer["error"]) == (403, "host")
    status, answer, _headers = call(agent, "/status")
    assert status == 200 and answer["origin"] == ORIGIN


def test_forged_altered_expired_and_replayed_tokens_are_refused(softhsm, keys, odoo_key, agent, caplog):
    caplog.set_level(logging.DEBUG)
    before = dict(agent.module._pin_flags(agent.module.find_token(label="agent").slot).__dict__)

    _prep, forged = prepared(softhsm, keys, at.new_key())  # another key than Odoo's
    status, answer, _h = call(agent, "/sign", {"pin": "505050", "items": [forged]})
    assert (status, answer["error"]) == (403, "forged")

    _prep, item = prepared(softhsm, keys, odoo_key)
    payload, signature = item["request"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["number"] = "99/BB-BG"  # the title shown altered by the page
    altered = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    status, answer, _h = call(
        agent, "/sign", {"pin": "505050", "items": [{**item, "request": f"{altered}.{signature}"}]}
    )
    assert (status, answer["error"]) == (403, "forged")

    _prep, other = prepared(softhsm, keys, odoo_key, origin="https://other-odoo.example")
    status, answer, _h = call(agent, "/sign", {"pin": "505050", "items": [other]})
    assert (status, answer["error"]) == (403, "origin")

    _prep, expired = prepared(softhsm, keys, odoo_key)
    expired["request"], _claims = at.issue(
        odoo_key,
        origin=ORIGIN,
        title="t",
        number="n",
        sha256=hashlib.sha256(base64.b64decode(expired["data"])).hexdigest(),
        certificate=sa.fingerprint(keys["agent"]),
        lifetime=-1,
    )
    status, answer, _h = call(agent, "/sign", {"pin": "505050", "items": [expired]})
    assert (status, answer["error"]) == (403, "expired")

    _prep, item = prepared(softhsm, keys, odoo_key)
    status, answer, _h = call(
        agent, "/sign", {"pin": "505050", "items": [{**item, "data": base64.b64encode(b"x").decode()}]}
    )
    assert (status, answer["error"]) == (403, "data_mismatch")

    status, _answer, _h = call(agent, "/sign", {"pin": "505050", "items": [item]})
    assert status == 200
    status, answer, _h = call(agent, "/sign", {"pin": "505050", "items": [item]})  # the same request again
    assert (status, answer["error"]) == (403, "replayed")
    status, answer, _h = call(agent, "/sign", {"pin": "505050", "items": [prepared(softhsm, keys, odoo_key)[1]] * 2})
    assert (status, answer["error"]) == (403, "replayed")

    # none of the refused requests reached the token: its PIN counter is untouched
    after = agent.module._pin_flags(agent.module.find_token(label="agent").slot).__dict__
    assert after == before
    assert "505050" not in caplog.text


def test_a_wrong_pin_is_told_with_the_flags_and_the_request_may_be_tried_again(softhsm, keys, odoo_key, agent, caplog):
    caplog.set_level(logging.DEBUG)
    _prep, item = prepared(softhsm, keys, odoo_key)
    status, answer, _h = call(agent, "/sign", {"pin": "000000", "items": [item]})
    assert (status, answer["error"]) == (409, "wrong_pin")
    assert answer["final_try"] is False and answer["locked"] is False
    status, answer, _h = call(agent, "/sign", {"pin": "505050", "items": [item]})  # not used up by the failure
    assert status == 200
    assert "000000" not in caplog.text and "000000" not in json.dumps(answer)


def test_signing_requests_are_rate_limited(softhsm, keys, odoo_key, agent):
    agent.rate = 2
    for _ in range(2):
        status, _answer, _h = call(agent, "/sign", {"pin": "505050", "items": [prepared(softhsm, keys, odoo_key)[1]]})
        assert status == 200
    status, answer, _h = call(agent, "/sign", {"pin": "505050", "items": [prepared(softhsm, keys, odoo_key)[1]]})
    assert (status, answer["error"]) == (429, "rate_limited")


def test_bad_requests_get_a_reason(agent):
    for body, code in (
        ([], "bad_request"),
        ({"items": []}, "bad_request"),
        ({"items": [{"data": "x"}]}, "bad_request"),
    ):
        status, answer, _h = call(agent, "/sign", body)
        assert (status, answer["error"]) == (400, code)
    status, answer, _h = call(agent, "/nothing", {})
    assert status == 404


def test_the_agent_runs_as_a_module_without_odoo(tmp_path):
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    addons = Path(__file__).resolve().parent.parent / "addons"
    result = subprocess.run(
        [sys.executable, "-m", "cks_signing.lib.signing_agent", "--help"],
        env={"PYTHONPATH": str(addons), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--module" in result.stdout and "odoo" not in result.stderr.lower()


def test_the_certificates_are_listed_only_with_a_listing_token_of_odoo(softhsm, keys, odoo_key, agent):
    status, answer, _h = call(agent, "/certificates")  # no token
    assert (status, answer["error"]) == (403, "forged")
    status, answer, _h = call(agent, "/certificates", listing=at.issue_listing(at.new_key(), origin=ORIGIN))
    assert (status, answer["error"]) == (403, "forged")
    status, answer, _h = call(
        agent, "/certificates", listing=at.issue_listing(odoo_key, origin="https://other.example")
    )
    assert (status, answer["error"]) == (403, "origin")
    status, answer, _h = call(agent, "/certificates", listing=at.issue_listing(odoo_key, origin=ORIGIN, lifetime=-1))
    assert (status, answer["error"]) == (403, "expired")
    _prep, item = prepared(softhsm, keys, odoo_key)
    status, answer, _h = call(agent, "/certificates", listing=item["request"])  # a signing token
    assert (status, answer["error"]) == (403, "scope")
    listing = at.issue_listing(odoo_key, origin=ORIGIN)  # and a listing token signs nothing
    status, answer, _h = call(agent, "/sign", {"pin": "505050", "items": [{**item, "request": listing}]})
    assert (status, answer["error"]) == (403, "scope")
    status, answer, _h = call(agent, "/certificates", listing=listing)
    assert status == 200 and answer["tokens"]
