"""End to end: two receivers confirm two handover records of the same device at the
same instant, each in their own session and transaction on the running server.
Exactly one succeeds, the other is told why, and one custody event is written."""

import os
import threading
import uuid

from odoo_rpc import RpcError, Session

DB = os.environ.get("CKS_TEST_DB")


def _user(admin, login, groups, body_id):
    group_ids = [admin.ref(xmlid) for xmlid in groups]
    return admin.call(
        "res.users",
        "create",
        {
            "name": login,
            "login": login,
            "password": login + "-pw",
            "group_ids": [(6, 0, group_ids)],
            "cks_body_id": body_id,
        },
    )


def test_concurrent_confirmations_of_one_device(server):
    tag = uuid.uuid4().hex[:6]
    admin = Session(server, DB)
    admin.login("admin", "admin")
    body = admin.call("cks.body", "create", {"name": f"Sở thử nghiệm {tag}", "has_legal_personality": True})
    giver = _user(admin, f"giver-{tag}", ["cks_subscriber.group_cks_custodian"], body)
    receivers = [_user(admin, f"recv{i}-{tag}", ["cks_subscriber.group_cks_custodian"], body) for i in (1, 2)]
    token = admin.call("cks.token", "create", {"serial": f"E2E-{tag}"})
    for move, extra in (("issue", {"body_id": body}), ("assign", {"custodian_id": giver})):
        wizard = admin.call(
            "cks.token.transition", "create", {"token_ids": [(6, 0, [token])], "move": move, "reason": "e2e", **extra}
        )
        admin.call("cks.token.transition", "action_confirm", [wizard])

    as_giver = Session(server, DB)
    as_giver.login(f"giver-{tag}", f"giver-{tag}-pw")
    records = []
    for receiver in receivers:
        record = as_giver.call(
            "cks.handover",
            "create",
            {"place": "Phòng Văn thư", "receiver_id": receiver, "line_ids": [(0, 0, {"token_id": token})]},
        )
        as_giver.call("cks.handover", "action_submit", [record])
        records.append(record)

    sessions = []
    for index in (1, 2):
        session = Session(server, DB)
        session.login(f"recv{index}-{tag}", f"recv{index}-{tag}-pw")
        sessions.append(session)
    barrier = threading.Barrier(2)
    outcome = [None, None]

    def confirm(index):
        barrier.wait()
        try:
            sessions[index].call("cks.handover", "action_confirm_receipt", [records[index]])
            outcome[index] = "ok"
        except RpcError as error:
            outcome[index] = error.message

    threads = [threading.Thread(target=confirm, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcome.count("ok") == 1, outcome
    refused = next(message for message in outcome if message != "ok")
    assert "not in the custody" in refused or "right now" in refused, refused
    events = admin.call(
        "cks.custody.event", "search_count", [("token_id", "=", token), ("event_type", "=", "handover")]
    )
    assert events == 1
    states = {row["state"] for row in admin.call("cks.handover", "read", records, ["state"])}
    assert states == {"done", "waiting"}
    winner = receivers[outcome.index("ok")]
    assert admin.call("cks.token", "read", [token], ["custodian_id"])[0]["custodian_id"][0] == winner
    verification = admin.call("cks.custody.verification", "action_run")
    assert admin.call("cks.custody.verification", "read", [verification["res_id"]], ["intact"])[0]["intact"]
