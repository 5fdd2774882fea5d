"""The rules table of certification requests (addons/cks_request/lib/request_rules.py), without Odoo."""

from datetime import datetime, timedelta

import pytest
from cks_request_lib import request_rules as rules

NOW = datetime(2026, 11, 30, 9, 0)


def facts(**values):
    return rules.RequestFacts(**values)


def codes(problems):
    return [problem.code for problem in problems]


def test_every_type_names_its_form_pair():
    assert rules.FORM_PAIRS["new_individual"] == ("01", "02")
    assert rules.FORM_PAIRS["new_organization"] == ("03", "04")
    assert rules.FORM_PAIRS["new_device"] == ("05", "06")
    assert rules.FORM_PAIRS["renewal"] == rules.FORM_PAIRS["change"] == ("07", "08")
    assert rules.FORM_PAIRS["revocation"] == ("09", "10")
    assert rules.FORM_PAIRS["restoration"] == ("11", "12")
    assert rules.FORM_PAIRS["recovery"] is None
    assert {code for code, _label in rules.REQUEST_TYPES} == set(rules.FORM_PAIRS)


def test_renewal_needs_60_days_and_happens_once():
    cert = {"request_type": "renewal", "certificate_state": "valid"}
    assert codes(rules.check_submission(facts(**cert, certificate_valid_to=NOW + timedelta(days=30)), NOW)) == [
        "renewal_too_late"
    ]
    assert rules.check_submission(facts(**cert, certificate_valid_to=NOW + timedelta(days=60)), NOW) == []
    assert codes(
        rules.check_submission(facts(**cert, certificate_valid_to=NOW + timedelta(days=300), renewal_count=1), NOW)
    ) == ["renewed_before"]
    assert codes(rules.check_submission(facts(request_type="renewal", certificate_state="revoked"), NOW)) == [
        "certificate_state"
    ]


def test_revocation_needs_grounds_and_a_form_15_for_a_loss():
    base = {"request_type": "revocation", "certificate_state": "valid"}
    assert codes(rules.check_submission(facts(**base), NOW)) == ["no_grounds"]
    assert codes(rules.check_submission(facts(**base, grounds="device_lost"), NOW)) == ["no_loss_record"]
    assert rules.check_submission(facts(**base, grounds="device_lost", has_confirmed_loss_record=True), NOW) == []
    assert rules.check_submission(facts(**base, grounds="retirement"), NOW) == []
    assert {code for code, _label in rules.GROUNDS} >= set(rules.STATUS_GROUNDS.values())


def test_new_certificate_form_matches_the_subscriber_kind_and_its_details():
    problems = rules.check_submission(
        facts(request_type="new_organization", subscriber_kind="individual", missing_subscriber_fields=("tax_code",)),
        NOW,
    )
    assert codes(problems) == ["kind_mismatch", "subscriber_fields"]
    assert problems[0].values == {"wanted": "organization", "kind": "individual"}
    assert rules.required_subscriber_fields("new_individual") == ("cccd", "position", "email", "mobile")


def test_restoration_only_for_a_locked_device_and_duplicates_refused():
    assert codes(rules.check_submission(facts(request_type="restoration", token_state="assigned"), NOW)) == [
        "device_not_locked"
    ]
    assert codes(
        rules.check_submission(facts(request_type="restoration", token_state="locked", has_open_duplicate=True), NOW)
    ) == ["duplicate"]


def test_renewal_end_within_three_years():
    end = datetime(2027, 3, 1)
    assert rules.renewal_end(end, None) == datetime(2030, 3, 1)
    assert rules.renewal_end(datetime(2028, 2, 29), None) == datetime(2031, 2, 28)
    with pytest.raises(ValueError, match="too_long"):
        rules.renewal_end(end, datetime(2030, 3, 2))
    with pytest.raises(ValueError, match="not_later"):
        rules.renewal_end(end, end)


def test_incident_window_sets_the_first_step_of_an_automatic_draft():
    assert rules.incident_draft_days("immediately", 0) == 0
    assert rules.incident_draft_days("within_hours", 24) == 1
    assert rules.incident_draft_days("within_hours", 25) == 2
    assert rules.incident_draft_days("not_stated", 0) == rules.STEP_DAYS["draft"]


def test_every_routed_type_has_a_route_group():
    routed = {code for code, _label in rules.REQUEST_TYPES} - {"recovery"}
    assert set(rules.ROUTE_GROUP) == routed
    assert set(rules.ROUTE_GROUP.values()) == {"new", "renewal", "revocation", "restoration"}
