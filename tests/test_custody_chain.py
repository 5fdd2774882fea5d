"""Tests of addons/cks_token_asset/lib/custody_chain.py (pure Python, no Odoo).

The verification tests build a chain with ChainWriter, tamper with its COPY lines as a database
superuser would (edit a field, overwrite a stored hash, replace an event by one hashed anew,
delete events, reorder them) and assert the exact list of (kind, device, sequence, global
sequence) the verification reports."""

import datetime as dt
import hashlib
import random
import unicodedata

import pytest
from cks_token_asset_lib.custody_chain import (
    ALTERED,
    ANCHOR_MISMATCH,
    DEVICE_MISMATCH,
    EVENT_FIELDS,
    GLOBAL_SEQUENCE_GAP,
    HEAD_MISMATCH,
    HISTORY_MISSING,
    REPLACED,
    SEQUENCE_GAP,
    SESSION_SQL,
    UNREADABLE,
    Anchor,
    Break,
    ChainWriter,
    Verifier,
    canonical_bytes,
    canonical_occurred_at,
    chain_lines,
    check_anchors,
    compute_hash,
    copy_sql,
    event_line,
    format_anchor,
    normalise_event,
    parse_anchors,
    synthetic_events,
    verify,
    verify_cursor,
)

VN = "Nguyễn Thị Thuỷ, Văn phòng UBND tỉnh Hà Tĩnh"
WHEN = dt.datetime(2025, 3, 4, 5, 6, 7, 890123)
RECORDED = dt.datetime(2025, 3, 5, 1, 2, 3)


def make_event(**changes):
    event = {
        "sequence": 1,
        "global_sequence": 1,
        "token_id": 42,
        "token_serial": "540101010000ABCD",
        "event_type": "handover",
        "state_from": "assigned",
        "state_to": "assigned",
        "actor_id": 7,
        "custodian_from_id": 11,
        "custodian_to_id": 12,
        "body_id": 3,
        "location": VN,
        "occurred_at": WHEN,
        "reason": "Bàn giao theo biên bản Mẫu 14",
        "document_ref": "14/BB-BG",
        "recorded_at": RECORDED,
    }
    event.update(changes)
    return event


# --------------------------------------------------------------------------- canonical form


def test_canonical_form_is_the_copy_line_in_field_order() -> None:
    assert (
        canonical_bytes(make_event())
        == (
            "1\t1\t42\t540101010000ABCD\thandover\tassigned\tassigned\t7\t11\t12\t3\t"
            "Nguyễn Thị Thuỷ, Văn phòng UBND tỉnh Hà Tĩnh\t2025-03-04 05:06:07.890123\t"
            "Bàn giao theo biên bản Mẫu 14\t14/BB-BG\t2025-03-05 01:02:03"
        ).encode()
    )
    assert len(EVENT_FIELDS) == 16
    assert len(set(EVENT_FIELDS)) == 16


def test_copy_escaping() -> None:
    line = canonical_bytes(make_event(reason="a\\b\tc\nd\re\bf\fg\vh\x01i", document_ref="\\N", recorded_at=None))
    assert line.endswith(b"\ta\\\\b\\tc\\nd\\re\\bf\\fg\\vh\x01i\t\\\\N\t\\N")
    assert line.count(b"\t") == 15  # a TAB inside a value never separates fields
    assert canonical_bytes(make_event(document_ref=None)).endswith(b"\t\\N\t2025-03-05 01:02:03")


def test_canonical_bytes_do_not_depend_on_dict_order() -> None:
    event = make_event()
    reordered = dict(reversed(list(event.items())))
    assert list(reordered) != list(event)
    assert canonical_bytes(reordered) == canonical_bytes(event)
    shuffled = list(event.items())
    random.Random(3).shuffle(shuffled)
    assert canonical_bytes(dict(shuffled)) == canonical_bytes(event)


def test_vietnamese_text_is_nfc_normalised() -> None:
    decomposed = unicodedata.normalize("NFD", VN)
    assert decomposed != VN
    assert canonical_bytes(make_event(location=decomposed)) == canonical_bytes(make_event(location=VN))
    assert unicodedata.normalize("NFC", VN).encode() in canonical_bytes(make_event(location=decomposed))
    # A different letter is still a different event.
    assert canonical_bytes(make_event(location=VN.replace("Thuỷ", "Thủy"))) != canonical_bytes(make_event())


def test_none_and_empty_string_differ() -> None:
    assert canonical_bytes(make_event(reason=None)) != canonical_bytes(make_event(reason=""))
    assert b"\t\\N\t" in canonical_bytes(make_event(state_from=None))
    assert canonical_bytes(make_event(reason="\\N")) != canonical_bytes(make_event(reason=None))
    assert canonical_bytes(make_event(custodian_from_id=None)) != canonical_bytes(make_event(custodian_from_id=0))


def test_field_boundaries_are_unambiguous() -> None:
    a = canonical_bytes(make_event(reason="a\tb", document_ref="c"))
    b = canonical_bytes(make_event(reason="a", document_ref="b\tc"))
    assert a != b
    c = canonical_bytes(make_event(reason="a\\", document_ref="tb"))
    assert len({a, b, c}) == 3


def test_datetimes_are_utc_as_postgresql_prints_them() -> None:
    aware = dt.datetime(2025, 3, 4, 12, 6, 7, 890123, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert canonical_occurred_at(aware) == "2025-03-04 05:06:07.890123"
    assert canonical_occurred_at(WHEN) == "2025-03-04 05:06:07.890123"
    assert canonical_occurred_at(dt.datetime(2025, 1, 1)) == "2025-01-01 00:00:00"
    assert canonical_occurred_at(dt.datetime(2025, 1, 1, 0, 0, 0, 500000)) == "2025-01-01 00:00:00.5"
    assert canonical_occurred_at(dt.datetime(2025, 1, 1, 0, 0, 0, 120)) == "2025-01-01 00:00:00.00012"
    assert canonical_occurred_at("2025-03-04 05:06:07.890123") == "2025-03-04 05:06:07.890123"
    assert canonical_occurred_at("2025-03-04T12:06:07.890123+07:00") == "2025-03-04 05:06:07.890123"
    assert canonical_occurred_at("2025-03-04T05:06:07.890123Z") == "2025-03-04 05:06:07.890123"
    assert canonical_bytes(make_event(occurred_at=aware)) == canonical_bytes(make_event())
    with pytest.raises(ValueError, match="ISO 8601"):
        canonical_occurred_at("4/3/2025")
    with pytest.raises(TypeError):
        canonical_occurred_at(dt.date(2025, 3, 4))
    with pytest.raises(ValueError, match="year 1000"):
        canonical_occurred_at(dt.datetime(999, 12, 31))


def test_normalise_event_gives_what_must_be_stored() -> None:
    aware = dt.datetime(2025, 3, 4, 12, 6, 7, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    stored = normalise_event(make_event(location=unicodedata.normalize("NFD", VN), occurred_at=aware))
    assert stored["location"] == VN
    assert stored["occurred_at"] == dt.datetime(2025, 3, 4, 5, 6, 7)
    assert canonical_bytes(stored) == canonical_bytes(make_event(occurred_at=aware))


def test_missing_and_unknown_fields_are_refused() -> None:
    event = make_event()
    del event["reason"]
    with pytest.raises(ValueError, match=r"missing \['reason'\]"):
        canonical_bytes(event)
    with pytest.raises(ValueError, match=r"unknown \['note'\]"):
        canonical_bytes(make_event(note="x"))
    event = make_event(note="x")
    del event["reason"]
    with pytest.raises(ValueError, match="missing"):
        canonical_bytes(event)


@pytest.mark.parametrize(
    "changes",
    [
        {"actor_id": True},
        {"custodian_to_id": False},
        {"token_id": "42"},
        {"body_id": 3.0},
        {"token_serial": None},
        {"event_type": 5},
        {"location": b"kho"},
        {"occurred_at": None},
        {"actor_id": None},
    ],
)
def test_wrong_types_are_refused(changes) -> None:
    with pytest.raises(TypeError):
        canonical_bytes(make_event(**changes))


def test_out_of_range_values_are_refused() -> None:
    with pytest.raises(ValueError, match="sequence"):
        canonical_bytes(make_event(sequence=0))
    with pytest.raises(ValueError, match="surrogate"):
        canonical_bytes(make_event(reason="\udc80"))
    with pytest.raises(ValueError, match="NUL"):
        canonical_bytes(make_event(reason="a\x00b"))


# --------------------------------------------------------------------------- hashes


def test_hash_formula() -> None:
    """SHA-256 of the v4 prefix, the token's previous hash, the previous global hash and the
    canonical form: what an auditor recomputes with standard tools."""
    event = make_event()
    first = compute_hash(None, None, event)
    assert first == hashlib.sha256(b"CKS-CUSTODY-v4\0" + bytes(64) + canonical_bytes(event)).hexdigest()
    other = make_event(token_id=43, token_serial="540101010000ABCE", sequence=1, global_sequence=2)
    second = compute_hash(None, first, other)  # another token's first event: zero, then the global link
    assert second == (
        hashlib.sha256(b"CKS-CUSTODY-v4\0" + bytes(32) + bytes.fromhex(first) + canonical_bytes(other)).hexdigest()
    )
    third_event = make_event(sequence=2, global_sequence=3)
    third = compute_hash(first, second, third_event)
    assert (
        third
        == hashlib.sha256(
            b"CKS-CUSTODY-v4\0" + bytes.fromhex(first) + bytes.fromhex(second) + canonical_bytes(third_event)
        ).hexdigest()
    )
    assert compute_hash(second, first, third_event) != third  # the two links are not interchangeable
    assert len(first) == 64
    assert first == first.lower()
    with pytest.raises(ValueError):
        compute_hash("abcd", None, event)


def test_event_without_recorded_at_keeps_its_v3_hash() -> None:
    """An event chained before recorded_at existed: the v3 prefix over its first 15 fields, so
    that the hashes of an upgraded database still verify; its COPY line ends in \\N."""
    old = make_event(recorded_at=None)
    line = canonical_bytes(old)
    assert line.endswith(b"\t14/BB-BG\t\\N")
    expected = hashlib.sha256(b"CKS-CUSTODY-v3\0" + bytes(64) + line[:-3]).hexdigest()
    assert compute_hash(None, None, old) == expected
    assert compute_hash(None, None, make_event()) != expected


def test_a_chain_of_v3_then_v4_events_verifies() -> None:
    """An upgraded database: old events without recorded_at, then new ones with it."""
    events = synthetic_events(200, 9, seed=5)
    for event in events[:120]:
        event["recorded_at"] = None
    lines = chain_lines(events)
    assert verify(lines).ok
    assert sum(line.endswith(b"\t\\N\t" + line[-65:]) for line in lines) == 120
    # giving an old event a recorded date, or taking a new one's away, is an alteration
    for i, when in ((30, dt.datetime(2024, 1, 1)), (150, None)):
        changed = list(lines)
        changed[i] = event_line({**events[i], "recorded_at": when}, lines[i][-65:-1].decode())
        report = verify(changed)
        assert [(brk.kind, brk.global_sequence) for brk in report.breaks] == [(ALTERED, i + 1)]


def test_recorded_at_is_hashed() -> None:
    """A register event keeps when it happened and when it was entered: moving either changes
    the hash (nobody can say later that it was entered earlier)."""
    base = compute_hash(None, None, make_event())
    assert compute_hash(None, None, make_event(recorded_at=RECORDED + dt.timedelta(seconds=1))) != base
    assert compute_hash(None, None, make_event(occurred_at=WHEN - dt.timedelta(days=700))) != base
    with pytest.raises(ValueError, match="recorded_at"):
        canonical_bytes(make_event(recorded_at="yesterday"))


def test_chain_writer_checks_sequences() -> None:
    writer = ChainWriter()
    assert writer.next_sequences(42) == (1, 1)
    event_hash = writer.append(make_event())
    assert (writer.head_hash, writer.head_count) == (event_hash, 1)
    assert writer.tokens[42] == (1, event_hash)
    assert writer.next_sequences(42) == (2, 2)
    assert writer.next_sequences(43) == (1, 2)
    with pytest.raises(ValueError, match="expected sequence 2"):
        writer.append(make_event(sequence=3, global_sequence=2))
    with pytest.raises(ValueError, match="global_sequence 2"):
        writer.append(make_event(sequence=2, global_sequence=5))
    assert writer.head_count == 1


# --------------------------------------------------------------------------- awkward values


def random_text(rng):
    pieces = [
        VN,
        unicodedata.normalize("NFD", VN),
        "Phòng Văn thư",
        'quote " and backslash \\',
        "tab\tnew\nline\r\x1f\x7f\b\f\v back\\slash \\N",
        "\n\u0303",  # a combining mark after an escaped control character
        "\u2028\u2029 separators",
        "emoji 🔐 và chữ ký số",
        "",
        " ",
        "ASCII only",
        "ệ",
        "e\u0323\u0302",
    ]
    return "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 4)))


def random_when(rng):
    base = dt.datetime(2019, 1, 1) + dt.timedelta(seconds=rng.randrange(300_000_000), microseconds=rng.randrange(10**6))
    offset = dt.timezone(dt.timedelta(hours=rng.choice([7, -5, 14])))
    return rng.choice(
        [
            base,
            base.replace(microsecond=0),
            base.replace(tzinfo=dt.UTC),
            base.replace(tzinfo=offset),
            canonical_occurred_at(base),
            base.isoformat(" "),
            base.isoformat() + rng.choice(["Z", "+07:00", "-00:30"]),
            base.replace(tzinfo=offset).isoformat(),
        ]
    )


def random_events(n, seed=11):
    rng = random.Random(seed)
    last = {}
    events = []
    for gseq in range(1, n + 1):
        token = rng.randrange(1, max(2, n // 8))
        last[token] = last.get(token, 0) + 1

        def maybe(value):
            return None if rng.random() < 0.3 else value

        events.append(
            {
                "sequence": last[token],
                "global_sequence": gseq,
                "token_id": token,
                "token_serial": random_text(rng) if rng.random() < 0.2 else f"5401{token:012X}",
                "event_type": rng.choice(["received", "issued", "handover", "lost", "location", "Bàn giao"]),
                "state_from": maybe(random_text(rng)),
                "state_to": maybe("assigned"),
                "actor_id": rng.choice([1, 2, 10**12, 123456789]),
                "custodian_from_id": maybe(rng.randrange(0, 10**9)),
                "custodian_to_id": maybe(rng.randrange(0, 100)),
                "body_id": maybe(rng.randrange(1, 900)),
                "location": maybe(random_text(rng)),
                "occurred_at": random_when(rng),
                "reason": maybe(random_text(rng)),
                "document_ref": maybe(rng.choice(["14/BB-BG", "15/BB-XN", random_text(rng)])),
                "recorded_at": maybe(random_when(rng)),
            }
        )
    return events


def test_awkward_values_chain_and_verify() -> None:
    events = [normalise_event(event) for event in random_events(2000)]
    lines = chain_lines(events)
    for event, line in zip(events, lines, strict=True):
        assert line.startswith(canonical_bytes(event) + b"\t")
        assert line.count(b"\t") == 16
    report = verify(lines)
    assert report.ok, report.summary()
    assert report.events_checked == 2000


def test_copy_sql() -> None:
    assert copy_sql() == (
        f"COPY (SELECT {', '.join(EVENT_FIELDS)}, event_hash FROM cks_custody_event ORDER BY global_sequence) TO STDOUT"
    )
    assert " FROM other_table ORDER BY " in copy_sql("other_table")


# --------------------------------------------------------------------------- verification


def build(n=400, tokens=25, seed=5):
    """(events, lines, writer) of a clean chain."""
    events = synthetic_events(n, tokens, seed=seed)
    writer = ChainWriter()
    return events, [event_line(event, writer.append(event)) for event in events], writer


def check(lines, writer, devices=True, head=True):
    """verify() against the device records and the head the writer kept (unless told not to)."""
    return verify(
        lines,
        dict(writer.tokens) if devices else None,
        (writer.head_count, writer.head_hash) if head else None,
    )


def found(report):
    return [(brk.kind, brk.token_id, brk.sequence, brk.global_sequence) for brk in report.breaks]


def at(kind, event):
    return (kind, event["token_id"], event["sequence"], event["global_sequence"])


def stored(line):
    return line[-65:-1].decode()


def device_next(events, i):
    return next((j for j in range(i + 1, len(events)) if events[j]["token_id"] == events[i]["token_id"]), None)


def device_before(events, i):
    return next((j for j in range(i - 1, -1, -1) if events[j]["token_id"] == events[i]["token_id"]), None)


def middle_event(events, start=100):
    """An event with a device event before and after it, the lines next to it being another
    device's."""
    return next(
        i
        for i in range(start, len(events) - 1)
        if device_before(events, i) not in (None, i - 1) and device_next(events, i) not in (None, i + 1)
    )


def edited(events, lines, i, **changes):
    """Line ``i`` with its content changed and its stored hash kept."""
    return event_line(dict(events[i], **changes), stored(lines[i]))


def replaced(events, lines, i, **changes):
    """Line ``i`` with its content changed and hashed anew on the hashes before it."""
    event = dict(events[i], **changes)
    before = device_before(events, i)
    token_hash = stored(lines[before]) if before is not None else None
    return event_line(event, compute_hash(token_hash, stored(lines[i - 1]) if i else None, event))


def test_clean_chain() -> None:
    _events, lines, writer = build(10_000, 1000)
    report = check(lines, writer)
    assert report.ok, report.summary()
    assert (report.events_checked, report.tokens_checked) == (10_000, len(writer.tokens))
    assert (report.last_global_sequence, report.last_global_hash) == (10_000, writer.head_hash)
    assert report.breaks == []
    assert report.first_break_by_token() == {}
    assert report.summary() == f"10000 custody events of {len(writer.tokens)} devices verified, no break"
    assert report.elapsed_seconds > 0
    assert report.events_per_second > 0
    assert verify(lines).ok  # without records nor head


def test_empty_chain() -> None:
    report = verify([], {7: (0, None)}, (0, None))  # a device without events records none
    assert report.ok
    assert (report.events_checked, report.tokens_checked, report.last_global_sequence) == (0, 0, 0)
    assert report.last_global_hash is None
    assert found(verify([], {}, (1, "ab" * 32))) == [(HEAD_MISMATCH, None, None, 1)]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("custodian_to_id", 999_999),
        ("custodian_from_id", None),
        ("reason", "Sửa lý do"),
        ("location", None),
        ("document_ref", "14/BB-BG-sửa"),
        ("actor_id", 1),
        ("state_to", "lost"),
        ("token_serial", "VT-9999"),
    ],
)
def test_an_edited_field_names_that_event_altered(name, value) -> None:
    events, lines, writer = build()
    i = middle_event(events)
    assert events[i][name] != value
    lines[i] = edited(events, lines, i, **{name: value})
    report = check(lines, writer)
    assert found(report) == [at(ALTERED, events[i])]
    expected = compute_hash(
        stored(lines[device_before(events, i)]), stored(lines[i - 1]), dict(events[i], **{name: value})
    )
    assert report.breaks[0].detail == f"stored {stored(lines[i])!r}, computed {expected}"
    assert report.first_break_by_token() == {events[i]["token_id"]: report.breaks[0]}
    assert not report.ok


def test_occurred_at_changed_by_one_microsecond() -> None:
    events, lines, writer = build()
    i = middle_event(events)
    lines[i] = edited(events, lines, i, occurred_at=events[i]["occurred_at"] + dt.timedelta(microseconds=1))
    assert found(check(lines, writer)) == [at(ALTERED, events[i])]


def test_stored_text_must_be_what_was_hashed() -> None:
    events, lines, writer = build()
    i = next(k for k in range(50, 400) if events[k]["reason"] and not events[k]["reason"].isascii())
    # the same words, decomposed: equal to a reader, other bytes in the database
    decomposed = unicodedata.normalize("NFD", events[i]["reason"]).encode()
    lines[i] = lines[i].replace(events[i]["reason"].encode(), decomposed)
    assert found(check(lines, writer)) == [at(ALTERED, events[i])]


def test_an_overwritten_hash_is_reported_once() -> None:
    """The events chained on an overwritten hash match the hash computed for it: not reported,
    neither is the device record or the head holding the hash computed for it."""
    events, lines, writer = build()
    i = middle_event(events)
    last = len(events) - 1
    last_of_device = max(j for j in range(last) if device_next(events, j) is None)
    for j, value in ((i, "0" * 64), (last_of_device, "not a hash"), (last, "ab" * 32)):
        lines[j] = lines[j][:-65] + value.encode() + b"\n"
    report = check(lines, writer)
    assert found(report) == [at(ALTERED, events[j]) for j in sorted((i, last_of_device, last))]
    assert report.breaks[1].detail.startswith("stored 'not a hash', computed ")


def test_a_replaced_event_is_named_not_its_successors() -> None:
    """Review finding: an event edited and hashed anew made its two successors read "altered"."""
    events, lines, writer = build()
    i = middle_event(events)
    lines[i] = replaced(events, lines, i, reason="Cấp cho Sở khác")
    report = check(lines, writer)
    assert found(report) == [at(REPLACED, events[i])]
    after, following = events[device_next(events, i)], events[i + 1]
    assert report.breaks[0].detail == (
        f"the event verifies, but the next event of the device (global {after['global_sequence']}) and the next "
        f"event of the chain (global {following['global_sequence']}) were chained on another hash: it was "
        f"replaced by one hashed anew (its hash is {stored(lines[i])})"
    )
    assert found(check(lines, writer, devices=False, head=False)) == [at(REPLACED, events[i])]


def test_a_replaced_last_event_of_a_device_is_named_by_its_record() -> None:
    events, lines, writer = build()
    i = next(j for j in range(100, 399) if device_next(events, j) is None and device_before(events, j) is not None)
    lines[i] = replaced(events, lines, i, location="Kho khác")
    report = check(lines, writer)
    assert found(report) == [at(REPLACED, events[i])]
    assert "the device record and the next event of the chain" in report.breaks[0].detail
    # without the records, only the global successor is seen failing
    assert found(check(lines, writer, devices=False)) == [at(ALTERED, events[i + 1])]


def test_the_replaced_last_event_of_the_chain_is_named_by_its_record_and_the_head() -> None:
    events, lines, writer = build()
    lines[-1] = replaced(events, lines, len(lines) - 1, reason="x")
    report = check(lines, writer)
    assert found(report) == [at(REPLACED, events[-1])]
    assert "the device record and the head were chained" in report.breaks[0].detail
    assert report.last_global_hash == stored(lines[-1])
    assert found(check(lines, writer, devices=False)) == [(HEAD_MISMATCH, None, None, 400)]
    assert found(check(lines, writer, head=False)) == [at(DEVICE_MISMATCH, events[-1])]


def test_an_event_replaced_before_its_one_successor_cannot_be_told_from_that_successor_altered() -> None:
    """When the device's next event is also the chain's next, one failing event is all there is:
    it is named altered, its detail naming the event before it as possibly replaced."""
    events, lines, writer = build()
    i = next(j for j in range(100, 399) if device_next(events, j) == j + 1)
    lines[i] = replaced(events, lines, i, reason="x")
    report = check(lines, writer)
    assert found(report) == [at(ALTERED, events[i + 1])]
    assert report.breaks[0].detail.endswith(f"; or event {i + 1} before it was replaced by one hashed anew")


def test_a_device_history_hashed_anew_leaves_the_chain_broken_after_each_event() -> None:
    """The attacker hashes the device's later events anew too: each of them is the global
    successor of a changed event; the last one is named replaced (its record and the next line)."""
    events, lines, writer = build()
    i = middle_event(events)
    changed = [j for j in range(i, 400) if events[j]["token_id"] == events[i]["token_id"]]
    for j in changed:
        lines[j] = replaced(events, lines, j, reason="viết lại" if j == i else events[j]["reason"])
    report = check(lines, writer)
    expected = [at(ALTERED, events[j + 1]) for j in changed[:-1] if j + 1 not in changed]
    expected.append(at(REPLACED, events[changed[-1]]))
    assert found(report) == sorted(expected, key=lambda item: item[3])


def test_deleting_an_event_names_the_events_after_it() -> None:
    events, lines, writer = build()
    i = middle_event(events)
    del lines[i]
    report = check(lines, writer)
    assert found(report) == [at(GLOBAL_SEQUENCE_GAP, events[i + 1]), at(SEQUENCE_GAP, events[device_next(events, i)])]
    assert report.breaks[0].detail == f"expected global sequence {i + 1}, found {i + 2}"
    seq = events[i]["sequence"]
    assert report.breaks[1].detail == f"expected sequence {seq} of the device, found {seq + 1}"


def test_deleting_an_event_whose_next_line_is_the_devices_next() -> None:
    events, lines, writer = build()
    i = next(j for j in range(100, 399) if device_next(events, j) == j + 1 and device_before(events, j) is not None)
    del lines[i]
    assert found(check(lines, writer)) == [at(SEQUENCE_GAP, events[i + 1]), at(GLOBAL_SEQUENCE_GAP, events[i + 1])]


def test_deleting_the_first_event_of_a_device() -> None:
    events, lines, writer = build()
    i = next(j for j in range(1, 399) if events[j]["sequence"] == 1 and device_next(events, j) not in (None, j + 1))
    del lines[i]
    report = check(lines, writer)
    assert found(report) == [at(GLOBAL_SEQUENCE_GAP, events[i + 1]), at(SEQUENCE_GAP, events[device_next(events, i)])]
    assert "expected sequence 1 of the device, found 2" in str(report.breaks[1])


def test_deleting_a_whole_history_names_that_device() -> None:
    """Review finding: every event of one device deleted; the report blamed another device and
    never named the one whose history was gone."""
    events, lines, writer = build()
    token = events[150]["token_id"]
    gone = [j for j, event in enumerate(events) if event["token_id"] == token]
    lines = [line for j, line in enumerate(lines) if j not in gone]
    report = check(lines, writer)
    gaps = [at(GLOBAL_SEQUENCE_GAP, events[j + 1]) for j in gone if j + 1 < 400 and j + 1 not in gone]
    assert found(report) == [*gaps, (HISTORY_MISSING, token, 1, None)]
    length = writer.tokens[token][0]
    assert report.breaks[-1].detail == f"its record says {length} events; the chain has none"
    assert report.first_break_by_token()[token] is report.breaks[-1]


def test_deleting_the_newest_events() -> None:
    events, lines, writer = build()
    report = check(lines[:-3], writer)
    firsts = {}  # each device cut short, at its first event missing
    for event in events[-3:]:
        firsts.setdefault(event["token_id"], event)
    missing = sorted((HISTORY_MISSING, token, event["sequence"], None) for token, event in firsts.items())
    assert found(report) == [(HEAD_MISMATCH, None, None, 398), *missing]
    detail = "the chain ends at global sequence 397, the head records 400 events (newest events deleted)"
    assert report.breaks[0].detail == detail
    assert not report.ok


def test_deleting_a_devices_newest_event() -> None:
    events, lines, writer = build()
    i = next(j for j in range(100, 398) if device_next(events, j) is None and events[j]["sequence"] > 1)
    del lines[i]
    report = check(lines, writer)
    token, seq = events[i]["token_id"], events[i]["sequence"]
    assert found(report) == [at(GLOBAL_SEQUENCE_GAP, events[i + 1]), (HISTORY_MISSING, token, seq, None)]
    assert report.breaks[1].detail == f"the chain ends at event {seq - 1} of the device, its record says {seq}"


def test_reordering_two_events_of_different_devices() -> None:
    """Two neighbouring events with their global numbers exchanged, so that they sort swapped:
    both were altered, and the next line was hashed on the other one."""
    events, lines, writer = build()
    i = next(j for j in range(100, 397) if len({events[k]["token_id"] for k in range(j - 1, j + 3)}) == 4)
    a, b = dict(events[i], global_sequence=i + 2), dict(events[i + 1], global_sequence=i + 1)
    lines[i], lines[i + 1] = event_line(b, stored(lines[i + 1])), event_line(a, stored(lines[i]))
    assert found(check(lines, writer)) == [at(ALTERED, b), at(ALTERED, a), at(ALTERED, events[i + 2])]


def test_reordering_two_events_of_one_device() -> None:
    events, lines, writer = build()
    i = next(j for j in range(100, 390) if device_before(events, j) is not None and device_next(events, j))
    j = device_next(events, i)
    a, b = dict(events[j], global_sequence=i + 1), dict(events[i], global_sequence=j + 1)
    lines[i], lines[j] = event_line(a, stored(lines[j])), event_line(b, stored(lines[i]))
    report = check(lines, writer)
    seq = events[i]["sequence"]
    expected = [at(SEQUENCE_GAP, a), at(ALTERED, events[i + 1]), at(SEQUENCE_GAP, b)]
    if j + 1 < 400:
        expected.append(at(ALTERED, events[j + 1]))
    later = device_next(events, j)
    if later is not None:
        expected.append(at(SEQUENCE_GAP, events[later]))
    assert found(report) == sorted(expected, key=lambda item: item[3])
    assert report.breaks[0].detail == f"expected sequence {seq} of the device, found {seq + 1}"


def test_device_records_are_compared_with_the_chain() -> None:
    events, lines, writer = build()
    (t1, (n1, _h1)), (t2, (n2, _h2)), (t3, (n3, h3)), (t4, _record) = list(writer.tokens.items())[:4]
    devices = dict(writer.tokens)
    devices[t1] = (n1 + 2, "ab" * 32)  # longer than the chain
    devices[t2] = (n2 - 1, "ab" * 32)  # shorter than the chain
    devices[t3] = (n3, "cd" * 32)  # another last hash
    del devices[t4]  # no record at all
    devices[10_000] = (0, None)  # a device without events: fine
    report = verify(lines, devices, (writer.head_count, writer.head_hash))
    last = {event["token_id"]: event for event in events}
    assert found(report) == sorted(
        [
            at(DEVICE_MISMATCH, last[t2]),
            at(DEVICE_MISMATCH, last[t3]),
            at(DEVICE_MISMATCH, last[t4]),
            (HISTORY_MISSING, t1, n1 + 1, None),
        ],
        key=lambda item: (item[3] is None, item[3] or 0),
    )
    details = {brk.token_id: brk.detail for brk in report.breaks}
    assert details[t1] == f"the chain ends at event {n1} of the device, its record says {n1 + 2}"
    assert details[t2] == f"the chain has {n2} events, the record {n2 - 1}"
    assert details[t3] == f"its record's last hash is {'cd' * 32!r}, its last event's {h3}"
    assert details[t4] == "the device has events but no record"


def test_the_head_is_compared_with_the_chain() -> None:
    _events, lines, writer = build()
    report = verify(lines, None, (writer.head_count - 1, writer.head_hash))
    assert found(report) == [(HEAD_MISMATCH, None, None, 400)]
    assert "(events added outside the head)" in report.breaks[0].detail
    report = verify(lines, None, (writer.head_count, "ef" * 32))
    assert found(report) == [(HEAD_MISMATCH, None, None, 400)]
    assert report.breaks[0].detail == f"the chain's last hash is {writer.head_hash}, the head records {'ef' * 32}"
    assert verify(lines, None, (writer.head_count, writer.head_hash.upper())).ok


def test_unreadable_rows_are_breaks_not_crashes() -> None:
    events, lines, writer = build()
    i = middle_event(events)
    fields = lines[i].split(b"\t")
    lines[i] = b"\t".join(fields[:5] + fields[6:])  # a field missing
    j = middle_event(events, i + 50)
    lines[j] = lines[j].replace(b"\t%d\t" % events[j]["token_id"], b"\tx7\t", 1)  # the device is not a number
    lines.insert(300, b"garbage\n")
    report = check(lines, writer)
    # the device's next event lacks the one before it; the chain goes on from the stored hashes
    expected = [
        (UNREADABLE, events[i]["token_id"], events[i]["sequence"], events[i]["global_sequence"]),
        at(SEQUENCE_GAP, events[device_next(events, i)]),
        (UNREADABLE, None, events[j]["sequence"], events[j]["global_sequence"]),
        at(SEQUENCE_GAP, events[device_next(events, j)]),
        (UNREADABLE, None, None, None),
    ]
    assert found(report) == sorted(expected, key=lambda item: (item[3] is None, item[3] or 0))
    assert report.breaks[0].detail.startswith("16 fields instead of 17: b'")
    assert report.events_checked == 401
    rows = [b"", b"\n", "not bytes", b"1\t2\t3\n"]
    assert found(verify(rows)) == [(UNREADABLE, 3, 1, 2)] + [(UNREADABLE, None, None, None)] * 3


def test_a_number_skipped_by_the_writer_itself_is_accepted() -> None:
    """Events hashed with a sequence number that skips (the writer's fault, not a later change:
    the hashes link) are accepted without being taken apart."""
    events = synthetic_events(300, 12, seed=3)
    token = events[0]["token_id"]
    for event in events:
        if event["token_id"] == token and event["sequence"] >= 3:
            event["sequence"] += 1
    heads, head, lines = {}, None, []
    for event in events:
        head = heads[event["token_id"]] = compute_hash(heads.get(event["token_id"]), head, event)
        lines.append(event_line(event, head))
    assert verify(lines).ok


def test_breaks_of_several_devices_are_all_reported_in_chain_order() -> None:
    events, lines, writer = build()
    i = middle_event(events, 250)
    j = middle_event(events, 120)
    k = next(x for x in range(200, 240) if events[x]["token_id"] not in (events[i]["token_id"], events[j]["token_id"]))
    for index in (i, j, k):
        lines[index] = edited(events, lines, index, reason="sửa")
    later = device_next(events, j)
    lines[later] = edited(events, lines, later, reason="sửa nữa")
    report = check(lines, writer)
    changed = sorted((i, j, k, later))
    assert found(report) == [at(ALTERED, events[index]) for index in changed]
    first = report.first_break_by_token()
    assert list(first) == list(dict.fromkeys(events[index]["token_id"] for index in changed))
    assert first[events[j]["token_id"]] is report.breaks[changed.index(j)]
    assert report.summary().startswith(
        f"400 custody events of {len(writer.tokens)} devices verified: 4 break(s) (4 altered)"
    )


def test_device_ids_far_and_near() -> None:
    """Device ids are kept in a list up to 2**22 and in a dict beyond (or below 0): a chain
    mixing them verifies, and a change is found on either side."""
    events = synthetic_events(600, 12, seed=23)
    ids = {1: 2**22, 2: 2**22 + 1, 3: 2**40, 4: 0, 5: 7, 6: -5}
    for event in events:
        event["token_id"] = ids.get(event["token_id"], event["token_id"] * 1009)
    writer = ChainWriter()
    lines = [event_line(event, writer.append(event)) for event in events]
    report = check(lines, writer)
    assert report.ok, report.summary()
    assert report.tokens_checked == 12
    for token in (2**40, 2**22, 7, 0, -5):
        changed = list(lines)
        i = next(x for x, event in enumerate(events) if event["token_id"] == token and event["sequence"] == 3)
        changed[i] = edited(events, lines, i, location="Kho khác")
        assert found(check(changed, writer)) == [at(ALTERED, events[i])]


def test_the_verifier_is_a_file_for_copy_expert() -> None:
    _events, lines, writer = build()

    class Cursor:
        def __init__(self):
            self.statements = []

        def execute(self, sql):
            self.statements.append(sql)

        def copy_expert(self, sql, file):
            self.statements.append(sql)
            for line in lines:
                file.write(line)

    cursor = Cursor()
    report = verify_cursor(cursor, dict(writer.tokens), (writer.head_count, writer.head_hash), table="my_events")
    assert report.ok
    assert report.events_checked == 400
    assert cursor.statements == [SESSION_SQL, copy_sql("my_events")]
    verifier = Verifier()
    assert not hasattr(verifier, "encoding")  # psycopg2 then writes bytes
    assert verifier.finish().ok


def test_break_text() -> None:
    assert str(Break(ALTERED, 4, 2, 17, "stored x")) == "altered at device 4, event 2, global 17: stored x"
    assert str(Break(HEAD_MISMATCH, None, None, 9, "cut")) == "head_mismatch at global 9: cut"
    assert str(Break(UNREADABLE, None, None, None, "2 fields")) == "unreadable: 2 fields"


# --------------------------------------------------------------------------- anchors

HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def test_anchor_format_and_parse_round_trip() -> None:
    anchor = Anchor(1_000_000, HASH, dt.datetime(2026, 11, 23, 10, 15, 0))
    text = format_anchor(anchor)
    assert text == f"CKS-ANCHOR 1 1000000 {HASH} 2026-11-23T10:15:00Z"
    assert text.isascii()
    assert parse_anchors(text) == [anchor]
    other = Anchor(5, "ab" * 32, dt.datetime(2025, 1, 2, 3, 4, 5))
    pasted = f"\n   {text.upper()}  \r\n\n\tcks-anchor   1 5 {'AB' * 32}   2025-01-02t03:04:05z \n"
    assert parse_anchors(pasted) == [anchor, other]
    # the time to the second, in UTC
    aware = dt.datetime(2026, 11, 23, 17, 15, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert format_anchor(Anchor(1, HASH.upper(), aware)) == f"CKS-ANCHOR 1 1 {HASH} 2026-11-23T10:15:00Z"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (f"CKS-ANKER 1 5 {HASH} 2026-11-23T10:15:00Z", "an anchor reads 'CKS-ANCHOR 1 <event number>"),
        (f"CKS-ANCHOR 1 5 {HASH}", "an anchor reads"),
        ("không phải mỏ neo", "an anchor reads"),
        (f"CKS-ANCHOR 2 5 {HASH} 2026-11-23T10:15:00Z", "anchor version '2' is unknown"),
        (f"CKS-ANCHOR 1 0 {HASH} 2026-11-23T10:15:00Z", "the event number must be a whole number from 1 on, not '0'"),
        (f"CKS-ANCHOR 1 x5 {HASH} 2026-11-23T10:15:00Z", "the event number must be a whole number"),
        (f"CKS-ANCHOR 1 5 {HASH[:-1]} 2026-11-23T10:15:00Z", "the hash must be 64 hexadecimal digits"),
        (f"CKS-ANCHOR 1 5 {HASH[:-1]}g 2026-11-23T10:15:00Z", "the hash must be 64 hexadecimal digits"),
        (f"CKS-ANCHOR 1 5 {HASH} 23/11/2026", "the time must read like 2026-11-23T10:15:00Z, not '23/11/2026'"),
        (f"CKS-ANCHOR 1 5 {HASH} 2026-11-23T10:15:00", "the time must read like"),
    ],
)
def test_a_bad_anchor_line_is_named(line, message) -> None:
    good = f"CKS-ANCHOR 1 4 {HASH} 2026-11-23T10:14:00Z"
    with pytest.raises(ValueError, match=r"^line 3: ") as caught:
        parse_anchors(f"{good}\n\n{line}\n{good}")
    assert message in str(caught.value)


def test_no_anchor_at_all() -> None:
    for text in ("", "\n  \n"):
        with pytest.raises(ValueError, match="no anchor"):
            parse_anchors(text)
    with pytest.raises(ValueError):
        format_anchor(Anchor(5, "abc", dt.datetime(2026, 1, 1)))


def test_anchors_that_match_the_chain() -> None:
    _events, lines, _writer = build()
    hash_at = {number: stored(line) for number, line in enumerate(lines, start=1)}
    when = dt.datetime(2026, 1, 1)
    anchors = [Anchor(number, hash_at[number].upper(), when) for number in (100, 250, 400)]
    assert check_anchors(anchors, hash_at) == []


def test_anchors_name_where_the_chain_was_rewritten() -> None:
    """A database owner edited event 150 and hashed the whole chain anew from there: inside the
    database it verifies; the anchors kept from before say where it was rewritten."""
    events, lines, _writer = build()
    events[149] = dict(events[149], reason="Cấp cho Sở khác")
    rewritten = chain_lines(events)
    assert verify(rewritten).ok
    hash_at = {number: stored(line) for number, line in enumerate(rewritten, start=1)}
    kept = [
        Anchor(number, stored(lines[number - 1]), dt.datetime(2026, 1, number // 100 + 1)) for number in (300, 100, 200)
    ]
    breaks = check_anchors(kept, hash_at)
    assert [(brk.kind, brk.token_id, brk.sequence, brk.global_sequence) for brk in breaks] == [
        (ANCHOR_MISMATCH, None, None, 200),
        (ANCHOR_MISMATCH, None, None, 300),
    ]
    assert breaks[0].detail == (
        f"the anchor taken 2026-01-03 00:00:00 UTC says event 200 has hash {stored(lines[199])}; the chain has "
        f"{hash_at[200]}: the chain was rewritten at or before event 200, after event 100, whose anchor matches"
    )
    assert breaks[1].detail.endswith("rewritten at or before event 300, after event 100, whose anchor matches")
    # nothing before the first one that differs
    first = check_anchors([Anchor(200, stored(lines[199]), dt.datetime(2026, 1, 3))], hash_at)
    assert first[0].detail.endswith("rewritten at or before event 200, no anchor before it matches")


def test_an_anchor_past_the_end_of_the_chain() -> None:
    """The newest events cut and the head moved back: an anchor from before names the event."""
    _events, lines, _writer = build()
    hash_at = {number: stored(line) for number, line in enumerate(lines[:-5], start=1)}
    kept = [
        Anchor(395, stored(lines[394]), dt.datetime(2026, 1, 2)),
        Anchor(398, stored(lines[397]), dt.datetime(2026, 1, 3)),
    ]
    breaks = check_anchors(kept, {**hash_at, 398: None})
    assert [(brk.kind, brk.global_sequence) for brk in breaks] == [(ANCHOR_MISMATCH, 398)]
    assert (
        "; the chain has no such event: the chain was rewritten at or before event 398, after event 395"
        in breaks[0].detail
    )
