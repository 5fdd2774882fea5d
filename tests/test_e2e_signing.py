"""End to end, as outside clients over JSON-RPC against the running server and the demo database
`make test` built (its SoftHSM2 tokens, PIN 123456): signing a handover record step by step, what
a client cannot do to signatures and checks whatever context it forges, and who reads what."""

import os
import subprocess

import pytest
from odoo_rpc import RpcError, Session
from test_e2e_access_matrix import FORGED_CONTEXT_KEYS

DB = os.environ.get("CKS_TEST_DB")
DEMO_PIN = "123456"
CONTEXTS = [{}, dict(FORGED_CONTEXT_KEYS), {"cks_flow": True, "module_uninstall": True}]


def session(server, login):
    api = Session(server, DB)
    api.login(login, login)  # demo logins: the password is the login
    return api


def serial_of(api, label):
    tokens = api.call("cks.signing.service", "server_tokens")
    return next(token["serial"] for token in tokens if token["label"] == label)


def signatures(api, model, res_id):
    return api.call("cks.signature", "search_read", [("res_model", "=", model), ("res_id", "=", res_id)], ["role"])


def test_a_handover_signed_over_rpc_step_by_step(server):
    giver, receiver = session(server, "vanthu.vp"), session(server, "hieupv")
    giver_uid = giver.call("res.users", "search", [("login", "=", "vanthu.vp")])[0]
    receiver_uid = receiver.call("res.users", "search", [("login", "=", "hieupv")])[0]
    device = giver.call("cks.token", "search", [("custodian_id", "=", giver_uid), ("state", "=", "assigned")], limit=1)[
        0
    ]
    handover = giver.call(
        "cks.handover",
        "create",
        {"place": "Phòng Văn thư", "receiver_id": receiver_uid, "line_ids": [(0, 0, {"token_id": device})]},
    )
    giver.call("cks.handover", "action_submit", [handover])
    with pytest.raises(RpcError, match=r"The giver signs the record first|Bên giao ký biên bản trước"):
        receiver.call("cks.handover", "action_cks_sign", [handover], serial_of(receiver, "hieupv"), DEMO_PIN)
    with pytest.raises(RpcError, match=r"Wrong PIN: nothing was signed|Sai PIN"):  # nothing signed, nothing stored
        giver.call("cks.handover", "action_cks_sign", [handover], serial_of(giver, "vanthu.vp"), "000000")
    with pytest.raises(RpcError, match=r"holds no key of a certificate registered|không có khóa của chứng thư số"):
        giver.call("cks.handover", "action_cks_sign", [handover], serial_of(giver, "hieupv"), DEMO_PIN)
    assert signatures(giver, "cks.handover", handover) == []
    for context in CONTEXTS:  # the signed file is the flow's, whatever the context says
        with pytest.raises(RpcError):
            giver.call("cks.handover", "write", [handover], {"signed_file_id": 1}, context=context)
    giver.call("cks.handover", "action_cks_sign", [handover], serial_of(giver, "vanthu.vp"), DEMO_PIN)
    receiver.call("cks.handover", "action_cks_sign", [handover], serial_of(receiver, "hieupv"), DEMO_PIN)
    (record,) = receiver.call("cks.handover", "read", [handover], ["state", "signature_state", "signed_sha256"])
    assert (record["state"], record["signature_state"]) == ("done", "both")
    assert [row["role"] for row in signatures(receiver, "cks.handover", handover)] == ["giver", "receiver"]
    # a subscriber who is no party reads neither the record nor its signatures
    outsider = session(server, "thuebao")
    assert signatures(outsider, "cks.handover", handover) == []


def test_no_client_writes_a_signature_or_a_check_result(server):
    admin = session(server, "quantri")
    (signature,) = admin.call("cks.signature", "search", [("role", "=", "organization")], limit=1)
    for context in CONTEXTS:
        for method, args in (
            ("write", [[signature], {"role": "head"}]),
            ("unlink", [[signature]]),
            ("create", [{"res_model": "cks.handover", "res_id": 1, "role": "giver", "kind": "individual"}]),
        ):
            with pytest.raises(RpcError):
                admin.call("cks.signature", method, *args, context=context)
    # a check's result is the server's: the client uploads, the server checks
    receiver = session(server, "hieupv")
    signed = receiver.call(
        "ir.attachment", "search_read", [("name", "=like", "Mau14-%-ky-2-ben.pdf")], ["datas"], limit=1
    )[0]["datas"]
    checker = session(server, "thuebao")
    check = checker.call("cks.signature.check", "create", {"name": "Biên bản nhận qua thư", "file": signed})
    for context in CONTEXTS:
        with pytest.raises(RpcError):
            checker.call("cks.signature.check", "write", [check], {"all_ok": True, "state": "checked"}, context=context)
    checker.call("cks.signature.check", "action_check", [check])
    (result,) = checker.call("cks.signature.check", "read", [check], ["state", "all_ok", "line_ids"])
    assert (result["state"], result["all_ok"], len(result["line_ids"])) == ("checked", True, 2)
    # checks are private to their checker; the inspector reads them all
    assert session(server, "canbo").call("cks.signature.check", "search", [("id", "=", check)]) == []
    assert session(server, "thanhtra").call("cks.signature.check", "search", [("id", "=", check)]) == [check]


def test_a_pin_is_in_no_log_line_and_no_table(verbose_server):
    """Signing over RPC with a server logging every call and its answer: neither the wrong PIN
    nor the right one appears in its log, and the wrong one nowhere in the database."""
    base, log = verbose_server
    wrong = "wrong-Zq7Xw3"  # a PIN no other text of the database or the log can contain by chance
    giver, receiver = session(base, "vanthu.vp"), session(base, "hieupv")
    giver_uid = giver.call("res.users", "search", [("login", "=", "vanthu.vp")])[0]
    receiver_uid = receiver.call("res.users", "search", [("login", "=", "hieupv")])[0]
    device = giver.call("cks.token", "search", [("custodian_id", "=", giver_uid), ("state", "=", "assigned")], limit=1)
    assert device, "the demo's văn thư of the Văn phòng holds no device any more"
    handover = giver.call(
        "cks.handover",
        "create",
        {"place": "Phòng Văn thư", "receiver_id": receiver_uid, "line_ids": [(0, 0, {"token_id": device[0]})]},
    )
    giver.call("cks.handover", "action_submit", [handover])
    with pytest.raises(RpcError, match=r"Wrong PIN|Sai PIN"):
        giver.call("cks.handover", "action_cks_sign", [handover], serial_of(giver, "vanthu.vp"), wrong)
    giver.call("cks.handover", "action_cks_sign", [handover], serial_of(giver, "vanthu.vp"), DEMO_PIN)
    text = log.read_text()
    assert "action_cks_sign" in text  # the calls are logged, with their answers...
    assert wrong not in text and f'"{DEMO_PIN}"' not in text and f"'{DEMO_PIN}'" not in text  # ...not the PIN
    dump = subprocess.run(["pg_dump", "--data-only", DB], capture_output=True, text=True, check=True).stdout
    assert wrong not in dump
