"""End to end: the custody chain verified on the running server, clean, then after an event was
changed in the database behind the trigger's back: the break is named there, and the anchor the
clean verification sent to the auditors no longer matches once the chain is rewritten."""

import os
import subprocess
import uuid

from odoo_rpc import Session

DB = os.environ.get("CKS_TEST_DB")


def _sql(statement):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", DB, "-c", statement], check=True)


def _set_reason(global_sequence, reason):
    value = "NULL" if reason is None else f"$cks${reason}$cks$"
    _sql(
        "BEGIN; ALTER TABLE cks_custody_event DISABLE TRIGGER cks_custody_event_append_only;"
        f" UPDATE cks_custody_event SET reason = {value} WHERE global_sequence = {int(global_sequence)};"
        " ALTER TABLE cks_custody_event ENABLE TRIGGER cks_custody_event_append_only; COMMIT;"
    )


def _verify(admin):
    action = admin.call("cks.custody.verification", "action_run")
    fields = ["intact", "events_checked", "line_ids", "anchor_text"]
    result = admin.call("cks.custody.verification", "read", [action["res_id"]], fields)[0]
    lines = admin.call(
        "cks.custody.verification.line", "read", result["line_ids"], ["kind", "sequence", "global_sequence"]
    )
    return result, lines


def _history(admin):
    """A few devices moved through the backend's own wizard: a committed custody history."""
    tag = uuid.uuid4().hex[:6]
    body = admin.call("cks.body", "create", {"name": f"Sở kiểm tra chuỗi {tag}", "has_legal_personality": True})
    for index in range(4):
        token = admin.call("cks.token", "create", {"serial": f"E2E-CHAIN-{tag}-{index}"})
        for move, extra in (("issue", {"body_id": body}), ("relocate", {"location": "Tủ sắt"})):
            wizard = admin.call(
                "cks.token.transition",
                "create",
                {"token_ids": [(6, 0, [token])], "move": move, "reason": "e2e", **extra},
            )
            admin.call("cks.token.transition", "action_confirm", [wizard])


def test_verification_names_the_changed_event(server):
    admin = Session(server, DB)
    admin.login("admin", "admin")
    _history(admin)
    clean, lines = _verify(admin)
    assert clean["intact"], lines
    assert clean["events_checked"] >= 8
    assert clean["anchor_text"].startswith("CKS-ANCHOR")
    middle = clean["events_checked"] // 2
    event = admin.call("cks.custody.event", "search_read", [("global_sequence", "=", middle)], ["reason", "sequence"])[
        0
    ]
    _set_reason(middle, "Sửa trái phép")
    try:
        broken, lines = _verify(admin)
    finally:
        _set_reason(middle, event["reason"] or None)
    assert not broken["intact"]
    assert [(line["kind"], line["sequence"], line["global_sequence"]) for line in lines] == [
        ("altered", event["sequence"], middle)
    ]
    again, _lines = _verify(admin)
    assert again["intact"]
