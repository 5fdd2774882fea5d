"""Tests of addons/cks_token_asset/lib/custody_chain.py (pure Python, no Odoo)."""

import datetime as dt
import hashlib
import random
import unicodedata

import pytest
from cks_token_asset_lib.custody_chain import (
    EVENT_FIELDS,
    GLOBAL_HASH_MISMATCH,
    GLOBAL_SEQUENCE_GAP,
    SEQUENCE_GAP,
    TOKEN_HASH_MISMATCH,
    ChainWriter,
    SliceResult,
    benchmark,
    canonical_bytes,
    canonical_occurred_at,
    chain_lines,
    check_head,
    compute_hash,
    copy_sql,
    merge,
    normalise_event,
    slice_bounds,
    synthetic_events,
    verify,
    verify_slice,
)

VN = "Nguyễn Thị Thuỷ, Văn phòng UBND tỉnh Hà Tĩnh"
WHEN = dt.datetime(2025, 3, 4, 5, 6, 7, 890123)


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
    }
    event.update(changes)
    return event


def event_row(event, event_hash):
    """The stored row of an event: its values in field order, then its hash."""
    return (*(event[name] for name in EVENT_FIELDS), event_hash)


def raw_line(row):
    """The COPY line PostgreSQL prints for a stored row, whatever it holds (nothing validated)."""
    escapes = str.maketrans(
        {"\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
    )

    def text(value):
        if value is None:
            return "\\N"
        if isinstance(value, dt.datetime):
            return canonical_occurred_at(value)
        return value.translate(escapes) if isinstance(value, str) else str(value)

    return ("\t".join(text(value) for value in row) + "\n").encode()


def same(single, merged):
    """The parts of two reports that must agree whatever the slicing."""
    assert merged.token_breaks == single.token_breaks
    assert merged.token_break_count == single.token_break_count
    assert merged.global_breaks == single.global_breaks
    assert merged.global_break_count == single.global_break_count
    assert (merged.last_global_sequence, merged.last_global_hash) == (
        single.last_global_sequence,
        single.last_global_hash,
    )
    assert merged.heads == single.heads
    assert merged.events_checked == single.events_checked


def check(rows, **options):
    """verify() over the rows' COPY lines, checked against the same lines verified in 2, 3 and 7
    slices (as worker processes do) and merged: every result must be the same."""
    lines = [raw_line(row) for row in rows]
    single = verify(lines, **options)
    for count in (2, 3, 7):
        parts = [lines[(first or 1) - 1 : last] for first, last in slice_bounds(len(lines), count)]
        results = [SliceResult.from_plain(verify_slice(part).to_plain()) for part in parts]
        same(single, merge(results, **options))
    return single


def build(n, tokens=None, seed=5):
    """(events, rows, writer) of a clean chain."""
    events = synthetic_events(n, tokens, seed=seed)
    writer = ChainWriter()
    rows = [event_row(event, writer.append(event)) for event in events]
    return events, rows, writer


def rechain(events):
    """Rows for ``events`` hashed as they are (what an attacker with write access would produce)."""
    heads, head, rows = {}, None, []
    for event in events:
        head = heads[event["token_id"]] = compute_hash(heads.get(event["token_id"]), head, event)
        rows.append(event_row(event, head))
    return rows


def with_values(row, **changes):
    values = list(row)
    for name, value in changes.items():
        values[EVENT_FIELDS.index(name)] = value
    return tuple(values)


def index_of(rows, token_id, sequence):
    return next(i for i, row in enumerate(rows) if row[2] == token_id and row[0] == sequence)


def busy_token(rows, minimum=5):
    counts = {}
    for row in rows:
        counts[row[2]] = counts.get(row[2], 0) + 1
    return next(token for token, count in counts.items() if count >= minimum)


# --------------------------------------------------------------------------- canonical form


def test_canonical_form_is_the_copy_line_in_field_order() -> None:
    assert (
        canonical_bytes(make_event())
        == (
            "1\t1\t42\t540101010000ABCD\thandover\tassigned\tassigned\t7\t11\t12\t3\t"
            "Nguyễn Thị Thuỷ, Văn phòng UBND tỉnh Hà Tĩnh\t2025-03-04 05:06:07.890123\t"
            "Bàn giao theo biên bản Mẫu 14\t14/BB-BG"
        ).encode()
    )
    assert len(EVENT_FIELDS) == 15
    assert len(set(EVENT_FIELDS)) == 15


def test_copy_escaping() -> None:
    line = canonical_bytes(make_event(reason="a\\b\tc\nd\re\bf\fg\vh\x01i", document_ref="\\N"))
    assert line.endswith(b"\ta\\\\b\\tc\\nd\\re\\bf\\fg\\vh\x01i\t\\\\N")
    assert line.count(b"\t") == 14  # a TAB inside a value never separates fields
    assert canonical_bytes(make_event(document_ref=None)).endswith(b"\t\\N")


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
    """SHA-256 of the v3 prefix, the token's previous hash, the previous global hash and the
    canonical form: what an auditor recomputes with standard tools."""
    event = make_event()
    first = compute_hash(None, None, event)
    assert first == hashlib.sha256(b"CKS-CUSTODY-v3\0" + bytes(64) + canonical_bytes(event)).hexdigest()
    other = make_event(token_id=43, token_serial="540101010000ABCE", sequence=1, global_sequence=2)
    second = compute_hash(None, first, other)  # another token's first event: zero, then the global link
    assert second == (
        hashlib.sha256(b"CKS-CUSTODY-v3\0" + bytes(32) + bytes.fromhex(first) + canonical_bytes(other)).hexdigest()
    )
    third_event = make_event(sequence=2, global_sequence=3)
    third = compute_hash(first, second, third_event)
    assert (
        third
        == hashlib.sha256(
            b"CKS-CUSTODY-v3\0" + bytes.fromhex(first) + bytes.fromhex(second) + canonical_bytes(third_event)
        ).hexdigest()
    )
    assert compute_hash(second, first, third_event) != third  # the two links are not interchangeable
    assert len(first) == 64
    assert first == first.lower()
    with pytest.raises(ValueError):
        compute_hash("abcd", None, event)


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
            }
        )
    return events


def test_awkward_values_chain_and_verify() -> None:
    events = [normalise_event(event) for event in random_events(2000)]
    lines = chain_lines(events)
    for event, line in zip(events, lines, strict=True):
        assert line.startswith(canonical_bytes(event) + b"\t")
        assert line.count(b"\t") == 15
    report = verify(lines)
    assert report.ok, report.summary()
    assert report.events_checked == 2000


def test_stored_text_must_be_what_was_hashed() -> None:
    _events, rows, _writer = build(200)
    i = next(k for k, row in enumerate(rows) if row[13] and not row[13].isascii())
    # the same words, decomposed: equal to a reader, different bytes in the database
    rows[i] = with_values(rows[i], reason=unicodedata.normalize("NFD", rows[i][13]))
    report = check(rows)
    assert report.token_break_count == 1
    assert report.token_breaks[rows[i][2]].kind == TOKEN_HASH_MISMATCH


def test_copy_sql() -> None:
    assert copy_sql() == (
        f"COPY (SELECT {', '.join(EVENT_FIELDS)}, event_hash FROM cks_custody_event ORDER BY global_sequence) TO STDOUT"
    )
    assert "WHERE global_sequence >= 5 AND global_sequence <= 9 ORDER" in copy_sql(5, 9)
    assert "WHERE global_sequence <= 9 ORDER" in copy_sql(None, 9)
    with pytest.raises(ValueError):
        copy_sql("1; DROP TABLE x")
    assert slice_bounds(10, 3) == [(None, 3), (4, 6), (7, None)]
    assert slice_bounds(0, 4) == [(None, None)]
    assert slice_bounds(3, 8) == [(None, 1), (2, 2), (3, None)]


# --------------------------------------------------------------------------- verification


def test_clean_chain_of_10000_events() -> None:
    _events, rows, writer = build(10_000)
    report = check(rows)
    assert report.ok, report.summary()
    assert report.events_checked == 10_000
    assert report.tokens_checked == len(writer.tokens)
    assert report.token_breaks == {}
    assert report.first_global_break is None
    assert report.last_global_sequence == 10_000
    assert report.last_global_hash == writer.head_hash
    assert report.token_heads == writer.tokens
    assert check_head(report, writer.head_hash, writer.head_count) == []
    assert "no break" in report.summary()


def test_empty_chain() -> None:
    report = check([])
    assert report.ok
    assert report.events_checked == 0
    assert check_head(report, None, 0) == []
    assert check_head(report, "00" * 32, 1)


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
    ],
)
def test_changed_field_breaks_exactly_that_event(name, value) -> None:
    _events, rows, _writer = build(2000)
    token = busy_token(rows)
    i = index_of(rows, token, 3)
    assert rows[i][EVENT_FIELDS.index(name)] != value
    rows[i] = with_values(rows[i], **{name: value})
    report = check(rows)
    assert not report.ok
    assert report.token_break_count == 1
    assert list(report.token_breaks) == [token]
    brk = report.token_breaks[token]
    assert (brk.kind, brk.token_id, brk.sequence, brk.global_sequence) == (TOKEN_HASH_MISMATCH, token, 3, rows[i][1])
    assert report.global_break_count == 0  # the global chain covers the stored token hash
    assert report.first_break_by_token() == {token: brk}


def test_occurred_at_changed_by_one_microsecond() -> None:
    _events, rows, _writer = build(2000)
    token = busy_token(rows)
    i = index_of(rows, token, 2)
    rows[i] = with_values(rows[i], occurred_at=rows[i][12] + dt.timedelta(microseconds=1))
    report = check(rows)
    assert report.token_break_count == 1
    assert report.token_breaks[token].sequence == 2
    assert report.token_breaks[token].kind == TOKEN_HASH_MISMATCH


def test_an_event_altered_and_hashed_anew_breaks_the_events_chained_on_it() -> None:
    """An attacker edits an event and recomputes its hash (on the right predecessors): the event
    itself verifies, but the next event of its token and the next event of the database were
    hashed on the old hash.  Both are reported; the detail of the second names the hash."""
    events, rows, _writer = build(1000)
    token = busy_token(rows)
    i = index_of(rows, token, 2)
    events[i] = dict(events[i], reason="Giả mạo")
    rows[i] = rechain(events)[i]
    assert rows[i + 1][2] != token  # the global successor belongs to another device here
    report = check(rows)
    assert report.global_break_count == 0  # every number follows
    after = report.token_breaks[rows[i + 1][2]]
    assert (after.kind, after.sequence, after.global_sequence) == (TOKEN_HASH_MISMATCH, rows[i + 1][0], rows[i][1] + 1)
    assert after.detail.startswith(f"stored {rows[i + 1][15]!r}, computed ")
    assert after.detail.endswith(f"; or global event {rows[i][1]} before it was replaced by one hashed anew")
    brk = report.token_breaks[token]
    assert (brk.kind, brk.sequence) == (TOKEN_HASH_MISMATCH, 3)
    assert report.token_break_count == 2
    # Hashing the device's later events anew too leaves the device clean, and the global chain
    # broken after each of them.
    last = rows[i][15]
    for j in range(i + 1, len(rows)):
        if rows[j][2] == token:
            rows[j] = (*rows[j][:15], compute_hash(last, rows[j - 1][15], events[j]))
            last = rows[j][15]
    report = check(rows)
    assert token not in report.token_breaks
    assert {brk.global_sequence for brk in report.token_breaks.values()} == {
        row[1] + 1 for row in rows if row[2] == token and row[1] >= rows[i][1] and row[1] < len(rows)
    }


def test_deleting_an_event_in_the_middle() -> None:
    _events, rows, _writer = build(2000)
    token = busy_token(rows)
    i = index_of(rows, token, 3)
    deleted = rows.pop(i)
    report = check(rows)
    brk = report.token_breaks[token]
    assert (brk.kind, brk.sequence) == (SEQUENCE_GAP, 4)
    assert brk.global_sequence == rows[index_of(rows, token, 4)][1]
    assert report.token_break_count == 1
    assert report.global_break_count == 1
    gbrk = report.first_global_break
    assert (gbrk.kind, gbrk.global_sequence) == (GLOBAL_SEQUENCE_GAP, deleted[1] + 1)
    assert gbrk.token_id == rows[i][2]


def test_deleting_the_first_event_of_a_token() -> None:
    _events, rows, _writer = build(500)
    token = busy_token(rows)
    rows.pop(index_of(rows, token, 1))
    report = check(rows)
    assert report.token_breaks[token].kind == SEQUENCE_GAP
    assert report.token_breaks[token].sequence == 2
    assert "expected sequence 1" in str(report.token_breaks[token])


def test_deleting_a_whole_token_is_seen_by_the_global_chain() -> None:
    _events, rows, _writer = build(2000)
    token = busy_token(rows)
    gone = [row[1] for row in rows if row[2] == token]
    rows = [row for row in rows if row[2] != token]
    report = check(rows)
    assert token not in report.token_heads
    assert report.token_breaks == {}  # every remaining token is intact ...
    assert not report.ok  # ... but the database-wide chain is not
    assert report.global_break_count >= 1
    assert {brk.kind for brk in report.global_breaks} <= {GLOBAL_SEQUENCE_GAP, GLOBAL_HASH_MISMATCH}
    assert report.first_global_break.global_sequence == gone[0] + 1


def test_deleting_a_whole_token_and_renumbering_is_still_seen() -> None:
    _events, rows, _writer = build(1000)
    token = busy_token(rows)
    first_gone = next(row[1] for row in rows if row[2] == token)
    kept = [row for row in rows if row[2] != token]
    renumbered = [with_values(row, global_sequence=n) for n, row in enumerate(kept, 1)]
    report = check(renumbered)
    assert not report.ok
    assert report.global_break_count == 0  # the numbers follow now ...
    first = min(report.token_breaks.values(), key=lambda brk: brk.global_sequence)
    # ... but the global sequence is part of every hash: the first renumbered event is named
    assert (first.kind, first.global_sequence) == (TOKEN_HASH_MISMATCH, first_gone)


def test_reordering_two_events() -> None:
    _events, rows, _writer = build(1000)
    # Two neighbouring events of different tokens read in the wrong order.
    i = next(k for k in range(100, 900) if len({rows[k][2], rows[k + 1][2], rows[k + 2][2]}) == 3)
    swapped = list(rows)
    swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
    report = check(swapped)
    assert report.first_global_break.kind == GLOBAL_SEQUENCE_GAP
    assert report.first_global_break.global_sequence == rows[i + 1][1]
    # The same two events with their global sequence numbers exchanged (so they sort swapped):
    # both are altered, and the event after them was hashed on the other one.
    a, b = rows[i], rows[i + 1]
    exchanged = list(rows)
    exchanged[i], exchanged[i + 1] = with_values(b, global_sequence=a[1]), with_values(a, global_sequence=b[1])
    report = check(exchanged)
    assert set(report.token_breaks) == {a[2], b[2], rows[i + 2][2]}
    assert {brk.kind for brk in report.token_breaks.values()} == {TOKEN_HASH_MISMATCH}
    assert report.global_break_count == 0


def test_reordering_two_events_of_one_token() -> None:
    _events, rows, _writer = build(1000)
    token = busy_token(rows)
    i, j = index_of(rows, token, 2), index_of(rows, token, 3)
    a, b = rows[i], rows[j]
    rows[i] = with_values(b, global_sequence=a[1])
    rows[j] = with_values(a, global_sequence=b[1])
    report = check(rows)
    assert report.token_breaks[token].kind == SEQUENCE_GAP
    assert report.token_breaks[token].sequence == 3
    assert report.token_breaks[token].global_sequence == a[1]
    assert report.token_break_count >= 2


def test_truncating_the_newest_events_is_seen_by_the_head() -> None:
    _events, rows, writer = build(1000)
    report = check(rows[:-3])
    assert report.ok  # a shorter chain is a valid chain ...
    problems = check_head(report, writer.head_hash, writer.head_count)
    assert len(problems) == 2  # ... but not the one the head record describes
    assert "newest events deleted" in problems[0]
    assert check_head(check(rows), writer.head_hash, writer.head_count) == []
    # An event appended without moving the head is reported too.
    assert "outside the head" in check_head(check(rows), writer.head_hash, writer.head_count - 1)[0]


def test_breaks_are_reported_once_per_token_and_scanning_goes_on() -> None:
    _events, rows, _writer = build(3000)
    counts = {}
    for row in rows:
        counts[row[2]] = counts.get(row[2], 0) + 1
    token_a, token_b = [token for token, count in counts.items() if count >= 6][:2]
    ia2, ia5 = index_of(rows, token_a, 2), index_of(rows, token_a, 5)
    ib4 = index_of(rows, token_b, 4)
    rows[ia2] = with_values(rows[ia2], reason="sửa 1")
    rows[ia5] = with_values(rows[ia5], custodian_to_id=1)
    rows[ib4] = with_values(rows[ib4], body_id=None)
    report = check(rows)
    assert set(report.token_breaks) == {token_a, token_b}
    assert report.token_breaks[token_a].sequence == 2  # the first break of the token ...
    assert report.token_breaks[token_b].sequence == 4  # ... and the other token's, later or earlier
    assert report.token_break_count == 3  # no cascade: only the three edited events are wrong
    assert report.global_break_count == 0
    assert list(report.token_breaks) == sorted(
        report.token_breaks, key=lambda t: report.token_breaks[t].global_sequence
    )


def test_tampered_stored_hashes_do_not_cascade() -> None:
    """An overwritten stored hash is one break: the events chained on it are accepted quietly
    when they match the hash computed for it."""
    _events, rows, _writer = build(1000)
    token = busy_token(rows)
    i = index_of(rows, token, 2)
    rows[i] = (*rows[i][:15], "0" * 64)
    report = check(rows)
    assert report.token_break_count == 1
    brk = report.token_breaks[token]
    assert (brk.kind, brk.global_sequence) == (TOKEN_HASH_MISMATCH, rows[i][1])
    assert report.global_break_count == 0
    j = next(k for k in range(i + 5, 1000) if rows[k][2] != token)
    rows[j] = (*rows[j][:15], "not a hash")
    report = check(rows)
    assert report.token_break_count == 2
    assert report.token_breaks[rows[j][2]].global_sequence == rows[j][1]
    assert report.token_breaks[rows[j][2]].detail.startswith("stored 'not a hash', computed ")


def test_malformed_rows_are_breaks_not_crashes() -> None:
    _events, rows, _writer = build(300)
    token = busy_token(rows)
    i = index_of(rows, token, 2)
    rows[i] = with_values(rows[i], occurred_at="hôm qua")  # other text: simply not what was hashed
    rows[i + 1] = rows[i + 1][:5] + rows[i + 1][6:]  # a field missing
    rows[i + 2] = with_values(rows[i + 2], sequence="x")
    report = check(rows)
    assert report.token_breaks[token].kind == TOKEN_HASH_MISMATCH
    assert report.token_breaks[token].global_sequence == rows[i][1]
    malformed = [brk for brk in report.token_breaks.values() if "malformed" in brk.detail]
    assert len(malformed) == 1  # both unreadable rows are counted, the first is shown
    assert report.token_break_count == 3  # the rows after them chain on their stored hashes
    assert verify([b"", b"\n", "not bytes", b"1\t2\t3\n"]).token_break_count == 4


def test_global_breaks_are_capped_but_counted() -> None:
    _events, rows, _writer = build(300)
    report = check([with_values(row, global_sequence=2 * row[1]) for row in rows], max_global_breaks=10)
    assert report.global_break_count == 300
    assert len(report.global_breaks) == 10
    assert [brk.global_sequence for brk in report.global_breaks] == list(range(2, 21, 2))


def test_benchmark_runs() -> None:
    result = benchmark(2000, repeat=1)
    assert result["events"] == 2000
    assert result["events_per_second"] > 0
    assert result["verify_seconds_2_slices"] > 0


def test_verification_in_slices() -> None:
    _events, rows, writer = build(3000)
    lines = [raw_line(row) for row in rows]
    first, second = verify_slice(lines[:1200]), verify_slice(lines[1200:])
    assert second.records[0][2:5] == (lines[1200], None, None)  # its global link waits for merge()
    assert len(second.records) > 100  # and so do the tokens that began before the slice
    report = merge([first, second])
    assert report.ok, report.summary()
    assert report.events_checked == 3000
    assert report.token_heads == writer.tokens
    assert check_head(report, writer.head_hash, writer.head_count) == []
    partial = merge([first])
    assert partial.ok
    assert check_head(partial, writer.head_hash, writer.head_count) == [
        "the chain ends at global sequence 1200, the head records 3000 events (newest events deleted)",
        f"the last global hash is {partial.last_global_hash!r}, the head records {writer.head_hash!r}",
    ]
    assert merge([first, second, verify_slice([])]).last_global_hash == writer.head_hash
    # A slice does not verify without the one before it, nor after someone else's.
    assert not merge([second]).ok
    assert not merge([verify_slice(lines[:1100]), second]).ok
    # Breaks inside a slice, and on the links merge() checks, are found as in one pass.
    token = rows[2000][2]
    rows[2000] = with_values(rows[2000], reason="sửa")
    report = check(rows)
    assert list(report.token_breaks) == [token]
    assert report.token_breaks[token].global_sequence == rows[2000][1]


def test_breaks_on_slice_boundaries() -> None:
    """Every event of the first 40 is altered in turn, or its stored hash; with slices cut at
    every place (check() compares 2, 3 and 7 slices with one pass) the result never changes."""
    _events, rows, _writer = build(60, tokens=6)
    for i in range(40):
        for changed in (
            with_values(rows[i], reason="sửa"),
            (*rows[i][:15], "0" * 64),
            (*rows[i][:15], "not a hash"),
        ):
            tampered = list(rows)
            tampered[i] = changed
            report = check(tampered)
            assert not report.ok
            lines = [raw_line(row) for row in tampered]
            for cut_at in range(1, 60):
                same(report, merge([verify_slice(lines[:cut_at]), verify_slice(lines[cut_at:])]))


def test_token_ids_near_and_far() -> None:
    """The hot loop keeps chain ends in a list indexed by token id, and ids from 2**22 on in a
    dict: a chain mixing both verifies, and a change is found on either side, in any slicing."""
    events = synthetic_events(600, 12, seed=23)
    ids = {1: 2**22, 2: 2**22 + 1, 3: 2**40, 4: 0, 5: 7}
    for event in events:
        event["token_id"] = ids.get(event["token_id"], event["token_id"] * 1009)
    writer = ChainWriter()
    rows = [event_row(event, writer.append(event)) for event in events]
    report = check(rows)
    assert report.ok, report.summary()
    assert report.token_heads == writer.tokens
    assert report.tokens_checked == 12
    for token in (2**40, 2**22, 7, 0):
        changed = list(rows)
        i = index_of(changed, token, 3)
        changed[i] = with_values(changed[i], location="Kho khác")
        report = check(changed)
        assert list(report.token_breaks) == [token]
        assert report.token_breaks[token].sequence == 3


def test_a_token_id_that_is_not_a_count_is_an_unreadable_row() -> None:
    _events, rows, _writer = build(200, 10)
    token = busy_token(rows)
    i = index_of(rows, token, 3)
    for bad in (-1, "x7", ""):
        changed = list(rows)
        changed[i] = with_values(changed[i], token_id=bad)
        report = check(changed)
        assert report.token_breaks[b"?"].detail.startswith("malformed event row")
        assert report.token_breaks[token].kind == SEQUENCE_GAP  # the next event lacks the one before
        assert report.token_breaks[token].sequence == 4
        assert report.token_break_count == 2


def test_a_number_skipped_by_the_writer_itself_is_judged_alike_in_one_pass_and_in_slices():
    """Events hashed with a sequence number that skips (a writer's fault, not a later change: the
    hashes link) are judged by their hashes, in one pass and in any slicing alike."""
    events, _rows, _writer = build(300, tokens=12)
    token = events[0]["token_id"]
    # from the token's first event of the second half on: the first line of a slice of two
    skip = next(e["sequence"] for e in events if e["token_id"] == token and e["global_sequence"] > 150)
    assert skip > 1
    for event in events:
        if event["token_id"] == token and event["sequence"] >= skip:
            event["sequence"] += 1
    rows = rechain(events)
    report = check(rows)  # the same in 1, 2, 3 and 7 slices
    assert report.ok, report.first_break_by_token()
    assert report.token_heads[token][0] == max(e["sequence"] for e in events if e["token_id"] == token)


def test_numbers_too_large_for_a_machine_word_are_judged_not_crashed_on():
    """A device's first event with a global sequence number beyond 64 bits, hashed so that it
    links (a writer's fault): the hot loop cannot keep it among the verified first lines of
    devices (an array of machine words), so the judge takes it, and judges it by its hash."""
    events, _rows, _writer = build(300, tokens=60)
    first = next(i for i, event in enumerate(events) if event["sequence"] == 1 and i > 50)
    events[first]["global_sequence"] = 10**20
    report = check(rechain(events))
    assert report.ok, report.first_break_by_token()
    assert report.events_checked == 300
