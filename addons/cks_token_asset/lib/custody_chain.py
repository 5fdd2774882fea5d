"""Custody chain of key-storage devices: canonical event serialisation and chain verification.

Every transition of a token (thiết bị lưu khóa bí mật) and every change of its custodian or
location writes an append-only *custody event*.  Each event carries one SHA-256, its **event
hash**, which links it into two chains at once::

    event_hash = SHA-256(b"CKS-CUSTODY-v3\\0" + prev_token_hash + prev_global_hash + canonical_bytes(event))

* ``prev_token_hash`` is the raw 32-byte event hash of the token's previous event (32 zero
  bytes for its first event): the **token chain**, in ``sequence`` order;
* ``prev_global_hash`` is the raw event hash of the previous event of the database (32 zero
  bytes for the very first): the **global chain**, in ``global_sequence`` order, so that
  deleting the whole history of a token (which leaves nothing of that token to check) still
  breaks the chain of the events around it.

Hashes are stored and compared as 64-character lowercase hex strings; the version in the prefix
says which canonical form was hashed.  The last event's hash depends on every event before it,
in order: the model layer keeps it, with the number of events, in a separate head record and
compares it with :func:`check_head` (truncating the newest events leaves a valid, shorter chain).

One hash per event, not one per chain: verification costs one SHA-256 per event and PostgreSQL
prints one hash column (format v2 stored a token hash and a global hash: twice the hashing).

Canonical form
--------------
An event is the line PostgreSQL's ``COPY ... TO STDOUT`` prints for its columns in
:data:`EVENT_FIELDS` order (text format, the default tab delimiter), without the newline, in
UTF-8.  Spelled out, so that it can be produced without PostgreSQL:

* the fields are joined by one TAB;
* ``None`` is ``\\N``; integers are plain decimal (``bool`` is refused where an integer is
  expected: ``True`` would otherwise be taken for ``1``);
* text is NFC-normalised (Vietnamese typed on different keyboards arrives precomposed or
  decomposed: "ệ" as one code point or as "e" + U+0323 + U+0302; the model stores the NFC form
  and the hash covers exactly what is stored), then backslash becomes ``\\\\`` and BS, FF, LF,
  CR, TAB, VT become ``\\b \\f \\n \\r \\t \\v``; every other character is itself.  The escaping
  is unambiguous: a value can never "spill" into the next field, and ``None`` (``\\N``) differs
  from ``""`` (nothing) and from the text ``\\N`` (``\\\\N``);
* ``occurred_at`` is the UTC instant as PostgreSQL prints a ``timestamp`` in the ISO date
  style: ``YYYY-MM-DD HH:MM:SS``, plus ``.`` and the microseconds without trailing zeros when
  there are any (naive datetimes mean UTC, as Odoo stores them).

Why this form: an auditor can check any event with standard tools (``psql -c "\\copy (SELECT
...) TO STDOUT"`` and ``sha256sum``), and verification hashes the rows exactly as PostgreSQL
streams them, without rebuilding any text in Python.  The model layer runs the ``COPY`` with
:data:`SESSION_SQL` (the ISO date style) and UTF-8 client encoding; a test of the model checks
that PostgreSQL's line equals :func:`canonical_bytes` for awkward values.

Verification
------------
:func:`verify_slice` (or :class:`StreamVerifier`, which ``cursor.copy_expert`` can write into)
takes the ``COPY`` lines of :func:`copy_sql` (the canonical line, then the stored hash) in
``global_sequence`` order.  A line whose hash matches costs one split, one SHA-256 and one
comparison of its hex with the line's tail; nothing is parsed or formatted.  Each token's chain
end is one bytes object in a list indexed by token id.

Every other line is *recorded*, with what it chains on, and judged by :func:`merge`: a line
that failed, the first line of a token in the slice (its previous event may lie in an earlier
slice) and the slice's first line (its global predecessor does).  The chain always goes on from
the line's *stored* hash, whatever the verdict, so slices are independent and the verdicts do
not depend on where the chain was cut.  One judge, :class:`_Merge`, names every break:

* ``sequence_gap``: the token's sequence number does not follow its previous event (an event
  deleted, inserted or reordered);
* ``global_sequence_gap``: the global sequence number does not follow the previous line;
* ``token_hash_mismatch``: the numbers follow but the hash does not: this event was altered,
  or the previous event of the global chain was replaced by one hashed anew (named in the
  detail);
* ``global_hash_mismatch``: the line after an unreadable row.

An event whose own stored hash was overwritten is reported once: the events that chain on it
are accepted quietly when they match the hash *computed* for it.

Pure Python, standard library only, no Odoo import.  Run this file (``python -m
lib.custody_chain`` from the addon directory) to print a micro-benchmark.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
import unicodedata
from array import array
from binascii import hexlify, unhexlify
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EVENT_FIELDS",
    "EVENT_TYPES",
    "GLOBAL_HASH_MISMATCH",
    "GLOBAL_SEQUENCE_GAP",
    "HASH_PREFIX",
    "SEQUENCE_GAP",
    "SESSION_SQL",
    "TOKEN_HASH_MISMATCH",
    "ZERO_HASH",
    "Break",
    "ChainWriter",
    "SliceResult",
    "StreamVerifier",
    "VerificationReport",
    "benchmark",
    "canonical_bytes",
    "canonical_occurred_at",
    "canonical_text",
    "chain_lines",
    "check_head",
    "compute_hash",
    "copy_sql",
    "event_line",
    "merge",
    "normalise_event",
    "slice_bounds",
    "synthetic_events",
    "verify",
    "verify_cursor",
    "verify_slice",
]

#: The canonical field list, in serialisation order.  Changing it changes every hash: bump the
#: version in :data:`HASH_PREFIX` if it ever has to change.
EVENT_FIELDS: tuple[str, ...] = (
    "sequence",  # int >= 1, per-token sequence number
    "global_sequence",  # int >= 1, position in the database-wide chain
    "token_id",  # int
    "token_serial",  # str
    "event_type",  # str, see EVENT_TYPES
    "state_from",  # str | None
    "state_to",  # str | None
    "actor_id",  # int, the user who recorded the event
    "custodian_from_id",  # int | None
    "custodian_to_id",  # int | None
    "body_id",  # int | None, the managing body
    "location",  # str | None
    "occurred_at",  # datetime (aware, or naive = UTC) or ISO 8601 string
    "reason",  # str | None
    "document_ref",  # str | None, e.g. "14/BB-BG"
)

#: Event types used by the model layer (informative: the chain does not restrict them).
EVENT_TYPES: tuple[str, ...] = (
    "received",
    "issued",
    "assigned",
    "handover",
    "lost",
    "recovered",
    "returned",
    "stocktake",
    "location",
)

HASH_PREFIX = b"CKS-CUSTODY-v3\0"
ZERO_HASH = bytes(32)
# What a row whose stored hash is unreadable chains on: a value of its own (see _chain_value).
_UNREADABLE_PREFIX = b"CKS-UNREADABLE-ROW\0"

#: Run in the transaction before :func:`copy_sql`: timestamps in the canonical (ISO) style.
SESSION_SQL = "SET LOCAL DateStyle TO 'ISO, YMD'"

TOKEN_HASH_MISMATCH = "token_hash_mismatch"
SEQUENCE_GAP = "sequence_gap"
GLOBAL_HASH_MISMATCH = "global_hash_mismatch"
GLOBAL_SEQUENCE_GAP = "global_sequence_gap"

_NFIELDS = len(EVENT_FIELDS)
_FIELD_SET = frozenset(EVENT_FIELDS)
_INT, _OPT_INT, _STR, _OPT_STR, _WHEN = range(5)
_KINDS = (
    _INT,  # sequence
    _INT,  # global_sequence
    _INT,  # token_id
    _STR,  # token_serial
    _STR,  # event_type
    _OPT_STR,  # state_from
    _OPT_STR,  # state_to
    _INT,  # actor_id
    _OPT_INT,  # custodian_from_id
    _OPT_INT,  # custodian_to_id
    _OPT_INT,  # body_id
    _OPT_STR,  # location
    _WHEN,  # occurred_at
    _OPT_STR,  # reason
    _OPT_STR,  # document_ref
)
_POSITIVE = frozenset({"sequence", "global_sequence"})
_sha256 = hashlib.sha256
_UTC = dt.UTC
# PostgreSQL's COPY text escaping (CopyAttributeOutText): backslash and six control characters.
_COPY_ESCAPES = str.maketrans(
    {"\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
)
# Length of the stored-hash tail of a COPY line: TAB, 64 hex, newline.
_TAIL = 66
# A token's chain *end* while verifying: HASH_PREFIX + raw hash to chain on from + the sequence
# text of its last line.  One bytes object per token, read and replaced in the same slot by the
# hot loop (a second per-token lookup costs as much as a SHA-256 on these machines).
_HASH_AT = len(HASH_PREFIX)
_SEQ_AT = _HASH_AT + 32
# Chain ends are kept in a list indexed by token id (database ids: small and dense), which the
# hot loop reaches faster than a dict; ids from here on go to a dict instead.
_NEAR = 1 << 22


# --------------------------------------------------------------------------- canonical form


def canonical_text(value: str) -> str:
    """NFC form of ``value``: what the model stores and the chain hashes.

    Raises ``ValueError`` for text PostgreSQL cannot store (NUL) or UTF-8 cannot encode.
    """
    text = value if value.isascii() else unicodedata.normalize("NFC", value)
    if "\0" in text:
        raise ValueError(f"text holds a NUL character: {value!r}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"text holds a lone surrogate: {value!r}") from exc
    return text


def _utc_instant(value: dt.datetime | str) -> dt.datetime:
    """``value`` (datetime or ISO 8601 string) as a naive UTC ``datetime``, validated."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"occurred_at: not an ISO 8601 date-time: {value!r}") from exc
    if not isinstance(value, dt.datetime):
        raise TypeError(f"occurred_at must be a datetime or an ISO 8601 string, not {type(value).__name__}")
    if value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(_UTC)
    value = value.replace(tzinfo=None)  # naive, or a tzinfo that declines to give an offset: UTC
    if value.year < 1000:
        raise ValueError(f"occurred_at before the year 1000: {value!r}")
    return value


def _format_instant(value: dt.datetime) -> str:
    """A naive UTC datetime as PostgreSQL prints it (microseconds without trailing zeros)."""
    text = value.isoformat(" ")
    return text.rstrip("0") if value.microsecond else text


def canonical_occurred_at(value: dt.datetime | str) -> str:
    """Return ``value`` as PostgreSQL prints a UTC ``timestamp``: ``YYYY-MM-DD HH:MM:SS[.f]``.

    Accepts an aware ``datetime`` (converted to UTC), a naive one (taken as UTC, as Odoo and
    psycopg2 hand them out) or an ISO 8601 string (``"2025-01-02 03:04:05"``,
    ``"2025-01-02T03:04:05.000001+07:00"``, ``"...Z"``; without an offset it means UTC).
    The microseconds are written without trailing zeros, and not at all when they are zero.
    """
    return _format_instant(_utc_instant(value))


def _check_value(name: str, kind: int, value: Any) -> Any:
    """Validate one field and return its canonical Python value (int, NFC str, None, datetime)."""
    if value is None and kind in (_OPT_INT, _OPT_STR):
        return None
    if kind in (_INT, _OPT_INT):
        if type(value) is bool or not isinstance(value, int):
            raise TypeError(f"{name} must be an int{' or None' if kind == _OPT_INT else ''}, not {value!r}")
        if name in _POSITIVE and value < 1:
            raise ValueError(f"{name} must be >= 1, not {value}")
        return int(value)
    if kind in (_STR, _OPT_STR):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str{' or None' if kind == _OPT_STR else ''}, not {value!r}")
        return canonical_text(str(value))
    if value is None:
        raise TypeError(f"{name} is required")
    return _utc_instant(value)


def _check_keys(event: Mapping[str, Any]) -> None:
    keys = event.keys()
    if len(keys) != _NFIELDS or not _FIELD_SET.issuperset(keys):
        missing = sorted(_FIELD_SET.difference(keys))
        unknown = sorted(map(str, set(keys).difference(_FIELD_SET)))
        raise ValueError(f"custody event fields: missing {missing}, unknown {unknown}")


def normalise_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """The event as it must be stored for its hash to verify: text in NFC, ``occurred_at``
    as a naive UTC ``datetime``; raises like :func:`canonical_bytes` on invalid input."""
    _check_keys(event)
    return {name: _check_value(name, kind, event[name]) for name, kind in zip(EVENT_FIELDS, _KINDS, strict=True)}


def _copy_field(kind: int, value: Any) -> str:
    if value is None:
        return "\\N"
    if kind == _WHEN:
        return _format_instant(value)  # normalise_event() made it a naive UTC datetime
    if kind in (_STR, _OPT_STR):
        return value.translate(_COPY_ESCAPES) if "\\" in value or not value.isprintable() else value
    return str(value)


def canonical_bytes(event: Mapping[str, Any]) -> bytes:
    """Serialise one event (a mapping with exactly the keys of :data:`EVENT_FIELDS`).

    Raises ``ValueError`` for missing or unknown keys and out-of-range values, ``TypeError`` for
    values of the wrong type (including ``bool`` where an ``int`` is expected).
    """
    values = normalise_event(event)
    return "\t".join(_copy_field(kind, values[name]) for name, kind in zip(EVENT_FIELDS, _KINDS, strict=True)).encode(
        "utf-8"
    )


def copy_sql(first: int | None = None, last: int | None = None, table: str = "cks_custody_event") -> str:
    """The ``COPY`` that streams the events with ``first <= global_sequence <= last`` (None:
    unbounded) as lines for :func:`verify_slice`.  ``table`` is a constant of the caller."""
    where = []
    if first is not None:
        where.append(f"global_sequence >= {int(first)}")
    if last is not None:
        where.append(f"global_sequence <= {int(last)}")
    condition = f" WHERE {' AND '.join(where)}" if where else ""
    return (
        f"COPY (SELECT {', '.join(EVENT_FIELDS)}, event_hash FROM {table}{condition}"
        " ORDER BY global_sequence) TO STDOUT"
    )


def slice_bounds(count: int, slices: int) -> list[tuple[int | None, int | None]]:
    """``slices`` contiguous ranges of ``global_sequence`` covering ``1..count`` and anything
    outside it (the first starts unbounded, the last ends unbounded)."""
    slices = max(1, min(slices, count or 1))
    cuts = [count * k // slices for k in range(slices + 1)]
    bounds: list[tuple[int | None, int | None]] = [(cuts[k] + 1, cuts[k + 1]) for k in range(slices)]
    bounds[0] = (None, bounds[0][1])
    bounds[-1] = (bounds[-1][0], None)
    return bounds


# --------------------------------------------------------------------------- hashes


def _raw(hex_hash: str | None) -> bytes:
    if hex_hash is None:
        return ZERO_HASH
    raw = bytes.fromhex(hex_hash)
    if len(raw) != 32:
        raise ValueError(f"not a SHA-256 hex digest: {hex_hash!r}")
    return raw


def compute_hash(prev_token_hex: str | None, prev_global_hex: str | None, event: Mapping[str, Any]) -> str:
    """Event hash of ``event`` given the hash of its token's previous event and the hash of the
    previous event of the database (None for a first one)."""
    return _sha256(HASH_PREFIX + _raw(prev_token_hex) + _raw(prev_global_hex) + canonical_bytes(event)).hexdigest()


def event_line(event: Mapping[str, Any], event_hash: str) -> bytes:
    """The ``COPY`` line :func:`verify` expects: canonical form, the hash, a newline."""
    return canonical_bytes(event) + f"\t{event_hash}\n".encode()


class ChainWriter:
    """Appends events to the chains in memory (test data, benchmarks, imports).

    Keeps the last sequence and hash of each token and the global head.  The model layer does
    the same with the database: lock the global head record, read the token's last event, then
    call :func:`compute_hash`.
    """

    def __init__(self, head_hash: str | None = None, head_count: int = 0) -> None:
        self.head_hash: str | None = head_hash
        self.head_count: int = head_count
        self.tokens: dict[int, tuple[int, str]] = {}  # token_id -> (last sequence, last event hash)

    def next_sequences(self, token_id: int) -> tuple[int, int]:
        """(sequence, global_sequence) the next event of ``token_id`` must carry."""
        last = self.tokens.get(token_id)
        return (last[0] + 1 if last else 1), self.head_count + 1

    def append(self, event: Mapping[str, Any]) -> str:
        """Chain ``event`` and return its hash.

        ``event["sequence"]`` and ``event["global_sequence"]`` must be the next numbers.
        """
        token_id = event["token_id"]
        sequence, global_sequence = self.next_sequences(token_id)
        if event["sequence"] != sequence or event["global_sequence"] != global_sequence:
            raise ValueError(
                f"token {token_id}: expected sequence {sequence} / global_sequence {global_sequence}, "
                f"got {event['sequence']} / {event['global_sequence']}"
            )
        last = self.tokens.get(token_id)
        event_hash = compute_hash(last[1] if last else None, self.head_hash, event)
        self.tokens[token_id] = (sequence, event_hash)
        self.head_hash, self.head_count = event_hash, global_sequence
        return event_hash


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True, slots=True)
class Break:
    """One broken link, found at the event (token_id, sequence, global_sequence)."""

    kind: str
    token_id: Any
    sequence: Any
    global_sequence: Any
    detail: str = ""

    def __str__(self) -> str:
        text = f"{self.kind} at token {self.token_id} sequence {self.sequence} (global {self.global_sequence})"
        return f"{text}: {self.detail}" if self.detail else text


class _Ends:
    """Chain ends (see ``_SEQ_AT``) by token id, as the hot loop keeps them: a list indexed by id
    below ``_NEAR``, a dict from there on.  What :func:`merge` knows of each token so far."""

    __slots__ = ("far", "near")

    def __init__(self) -> None:
        self.near: list[bytes | None] = []
        self.far: dict[int, bytes] = {}

    def get(self, tid: int) -> bytes | None:
        """The end of token ``tid``, None if it has none."""
        if tid < 0:
            return None
        return self.near[tid] if tid < len(self.near) else self.far.get(tid)

    def take(self, result: SliceResult) -> None:
        """Move on to the ends a later slice left for the tokens it saw."""
        near, far = result.ends, result.far
        if not self.near and not self.far:
            self.near, self.far = list(near), dict(far)
            return
        mine = self.near
        if len(near) > len(mine):
            mine.extend([None] * (len(near) - len(mine)))
        # one sequential pass over both lists (a loop over the tokens the slice saw, at random
        # places in memory, costs ten times as much)
        self.near = [later if later is not None else known for known, later in zip(mine, near, strict=False)] + mine[
            len(near) :
        ]
        self.far.update(far)

    def as_dict(self) -> dict[int, bytes]:
        heads = {tid: end for tid, end in enumerate(self.near) if end is not None}
        heads.update(self.far)
        return heads

    def __len__(self) -> int:
        return len(self.near) - self.near.count(None) + len(self.far)


@dataclass
class VerificationReport:
    """Outcome of :func:`verify` or :func:`merge`.

    ``token_breaks`` holds the first break found on an event of each token (kinds
    ``token_hash_mismatch`` and ``sequence_gap``; an unreadable row under the key ``b"?"``).
    ``global_breaks`` holds the breaks of the global chain (``global_sequence_gap``,
    ``global_hash_mismatch``), each attributed to the event where it was found (at most
    ``max_global_breaks`` are kept; ``global_break_count`` counts them all).
    :meth:`first_break_by_token` merges both views.
    """

    events_checked: int = 0
    token_breaks: dict[Any, Break] = field(default_factory=dict)
    global_breaks: list[Break] = field(default_factory=list)
    global_break_count: int = 0
    token_break_count: int = 0  # every token-chain break, not only the first of each token
    last_global_sequence: int = 0
    last_global_hash: str | None = None  # stored hash of the last row (the chain's head)
    ends: _Ends = field(default_factory=_Ends, repr=False)  # each token's chain end (_SEQ_AT)
    elapsed_seconds: float = 0.0
    slices: int = 1

    @property
    def ok(self) -> bool:
        return not self.token_breaks and not self.global_break_count

    @property
    def tokens_checked(self) -> int:
        return len(self.ends)

    @property
    def heads(self) -> dict[int, bytes]:
        """token id -> chain end of its last event (see ``_SEQ_AT``)."""
        return self.ends.as_dict()

    @property
    def token_heads(self) -> dict[int, tuple[int, str]]:
        """token id -> (sequence, hash) of its last event: the state to chain on from."""
        return {tid: (_end_seq(end), end[_HASH_AT:_SEQ_AT].hex()) for tid, end in self.heads.items()}

    @property
    def first_global_break(self) -> Break | None:
        return self.global_breaks[0] if self.global_breaks else None

    @property
    def events_per_second(self) -> float:
        return self.events_checked / self.elapsed_seconds if self.elapsed_seconds > 0 else 0.0

    def first_break_by_token(self) -> dict[Any, Break]:
        """First break of any kind found on an event of each token (by global sequence)."""
        result = dict(self.token_breaks)
        for brk in self.global_breaks:
            known = result.get(brk.token_id)
            if known is None or (_order(brk.global_sequence), 1) < (_order(known.global_sequence), 0):
                result[brk.token_id] = brk
        return dict(sorted(result.items(), key=lambda item: _order(item[1].global_sequence)))

    def summary(self) -> str:
        if self.ok:
            return f"{self.events_checked} custody events of {self.tokens_checked} tokens verified, no break"
        return (
            f"{self.events_checked} custody events of {self.tokens_checked} tokens verified: "
            f"{len(self.token_breaks)} token(s) with a broken chain, "
            f"{self.global_break_count} break(s) of the global chain"
        )


def _order(value: Any) -> tuple[bool, Any]:
    return (not isinstance(value, int), value if isinstance(value, int) else 0)


def _int_or(value: Any, default: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _end_seq(end: bytes) -> int:
    """Sequence number of a chain end (-1 if its line had none readable)."""
    return _int_or(end[_SEQ_AT:], -1)


def _gseq_of(line: Any) -> int:
    """The global sequence number of a line, read even from an unreadable row (-1 if absent)."""
    try:
        return _int_or(line.split(b"\t", 2)[1], -1)
    except (AttributeError, TypeError, IndexError):
        return -1


def _chain_value(line: Any) -> bytes:
    """What the next events chain on after ``line``, whatever its verdict: its stored hash, or,
    when that is not 64 hex digits where COPY prints it, a value derived from the whole row."""
    try:
        readable = line[-66] == 9 and line[-1] == 10
        return unhexlify(line[-65:-1]) if readable else _unreadable_value(line)
    except (TypeError, IndexError, ValueError):
        return _unreadable_value(line)


def _unreadable_value(line: Any) -> bytes:
    data = line if isinstance(line, bytes) else repr(line).encode()
    return _sha256(_UNREADABLE_PREFIX + data).digest()


def _stored_hex(line: Any) -> str | None:
    """The stored hash of a line as text, None if the line has none readable."""
    try:
        stored = line.rsplit(b"\t", 1)[1].rstrip(b"\n")
        return stored.decode("ascii")
    except (AttributeError, TypeError, IndexError, ValueError):
        return None


@dataclass(slots=True)
class _Line:
    """A COPY line taken apart (only for lines that need a closer look)."""

    token_id: int
    seq: int
    gseq: int
    body: bytes
    stored: str


def _parse(line: Any) -> _Line | None:
    try:
        text = line[:-1] if line.endswith(b"\n") else line
        body, stored = text.rsplit(b"\t", 1)
        fields = body.split(b"\t")
        if len(fields) != _NFIELDS:
            return None
        token_id = int(fields[2])
        if token_id < 0:
            return None
        return _Line(token_id, int(fields[0]), int(fields[1]), body, stored.decode("ascii", "replace"))
    except (AttributeError, TypeError, ValueError):
        return None


def _mismatch(stored: str, computed: bytes) -> str:
    return f"stored {stored!r}, computed {computed.hex()}"


@dataclass
class SliceResult:
    """What :func:`verify_slice` read in one slice, with the lines it left to :func:`merge`.

    Plain data (bytes, ints, lists, dicts, arrays), so that :meth:`to_plain` can send it from a
    worker process.  ``records`` holds, in line order, every line the slice could not settle
    alone, each as ``(position in the slice, token id, line, previous line, chain value before
    it, token's end before it)``:

    * a line that failed: the previous line and the token's end are those of the slice;
    * the first line of a token in the slice: no end (``merge`` has the one before the slice);
    * the slice's first line: no previous line either (``merge`` has the previous slice's last);
    * an unreadable row: token id -1.

    ``fresh`` holds a token's first line in the slice that begins a chain ("sequence 1") and
    verified, as four integers: position, token id, global sequence, the previous line's global
    sequence.  It is wrong only if an earlier slice saw the token.
    """

    events: int = 0
    records: list[tuple[int, int, Any, Any, Any, bytes | None]] = field(default_factory=list)
    fresh: array = field(default_factory=lambda: array("q"))
    # chain end (see _SEQ_AT) of each token's last line in the slice: a list indexed by token id
    # (None: not in the slice) and, for ids from _NEAR on, a dict
    ends: list[bytes | None] = field(default_factory=list)
    far: dict[int, bytes] = field(default_factory=dict)
    last_line: Any = None
    chain_value: bytes | None = None  # what the line after the slice chains on

    def to_plain(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> SliceResult:
        return cls(**plain)


class _Slice:
    """State of one slice: the hot loop's chain ends and what it records for :func:`merge`."""

    def __init__(self) -> None:
        self.result = SliceResult()
        self.ends: list[bytes | None] = []  # token id -> chain end (see _SEQ_AT) of its last line so far
        self.far: dict[int, bytes] = {}  # the same for token ids from _NEAR on
        self.records = self.result.records

    def first_of_token(self, position: int, tid: int, line: bytes, head: list[bytes], previous: Any, g: bytes | None):
        """The token's first line in this slice; returns (its chain end, its chain value).

        A line that begins a chain ("sequence 1") is checked here when the line before it is
        known; any other is recorded for :func:`merge`, which has the token's earlier events.
        """
        if g is not None and head[0] == b"1":
            digest = _sha256(HASH_PREFIX + ZERO_HASH + g + line[:-_TAIL]).digest()
            fresh = (position, tid, _int_or(head[1], -1), _gseq_of(previous))
            if hexlify(digest) == line[-65:-1] and max(fresh) < 1 << 63:  # what the array holds
                self.result.fresh.extend(fresh)
                return HASH_PREFIX + digest + head[0], digest
        self.records.append((position, tid, line, previous, g, None))
        value = _chain_value(line)
        return HASH_PREFIX + value + head[0], value

    def end_beyond(self, tid: int) -> bytes | None:
        """Chain end of a token id past the end of the list, which grows to take a near one."""
        if tid < _NEAR:
            self.ends.extend([None] * (min(_NEAR, max(tid + 1, 2 * len(self.ends))) - len(self.ends)))
            return None
        return self.far.get(tid)

    def finish(self, count: int, last_line: Any, g: bytes | None) -> SliceResult:
        result = self.result
        result.events, result.last_line, result.chain_value = count, last_line, g
        result.ends, result.far = self.ends, self.far
        return result


def _consume(state: _Slice):
    """The hot loop, as a generator fed one COPY line at a time (``send``); ``None`` ends it.

    A line whose stored hash matches costs one split, one SHA-256 and one comparison of its hex
    with the line's last 64 bytes before the newline, where COPY prints the hash; the canonical
    line is the rest.  Any other line is recorded for :func:`merge` and the chain goes on from
    its stored hash.  A row whose token id is not a non-negative integer is unreadable.
    """
    sha, hx = _sha256, hexlify
    prefix, seq_at = HASH_PREFIX, _SEQ_AT
    ends, far = state.ends, state.far
    record = state.records.append
    g = None  # the chain value of the previous line: what this one chains on globally
    previous = None
    count = 0
    line = yield
    while line is not None:
        count += 1
        try:
            body = line[:-_TAIL]
            head = body.split(b"\t", 3)
            tid = int(head[2])
        except (IndexError, TypeError, ValueError):
            tid = -1
        if tid < 0:
            record((count, -1, line, previous, g, None))
            g = _chain_value(line)
        else:
            try:
                end = ends[tid]
            except IndexError:
                end = state.end_beyond(tid)
            if end is None:
                end, g = state.first_of_token(count, tid, line, head, previous, g)
            else:
                digest = sha(end[:seq_at] + g + body).digest()
                if hx(digest) == line[-65:-1]:
                    g = digest
                else:
                    record((count, tid, line, previous, g, end))
                    g = _chain_value(line)
                end = prefix + g + head[0]
            try:
                ends[tid] = end
            except IndexError:
                far[tid] = end
        previous = line
        line = yield
    state.finish(count, previous, g)
    yield


class StreamVerifier:
    """Verifies one slice from lines written into it; a file-like for ``cursor.copy_expert``
    (see :func:`verify_cursor`)."""

    def __init__(self) -> None:
        self._state = _Slice()
        self._consumer = _consume(self._state)
        next(self._consumer)
        self.write = self._consumer.send

    def finish(self) -> SliceResult:
        self._consumer.send(None)
        return self._state.result


def verify_cursor(
    cursor: Any, first: int | None = None, last: int | None = None, table: str = "cks_custody_event"
) -> SliceResult:
    """Verify the slice ``first..last`` (global sequence) streamed by ``COPY`` through
    ``cursor`` (psycopg2's, or Odoo's, which passes ``copy_expert`` on), in the canonical
    date style; ``table`` is a constant of the caller."""
    verifier = StreamVerifier()
    cursor.execute(SESSION_SQL)
    cursor.copy_expert(copy_sql(first, last, table), verifier)
    return verifier.finish()


def verify_slice(lines: Iterable[bytes]) -> SliceResult:
    """Verify the links inside one slice of COPY lines (each ending with a newline), in
    ``global_sequence`` order; the lines it cannot settle alone are left to :func:`merge`."""
    verifier = StreamVerifier()
    write = verifier.write
    for line in lines:
        write(line)
    return verifier.finish()


def verify(lines: Iterable[bytes], *, max_global_breaks: int = 1000) -> VerificationReport:
    """Recompute the chains over ``lines`` (the whole chain, as :func:`copy_sql` streams it).

    After a break the chain continues from the *stored* hash, so one tampered event is
    reported once instead of breaking everything after it, and the scan goes on to report the
    later breaks of other tokens.
    """
    started = time.perf_counter()
    result = verify_slice(lines)
    return merge([result], max_global_breaks=max_global_breaks, elapsed_seconds=time.perf_counter() - started)


class _Merge:
    """Joins slice results in order and judges every line they recorded."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.report = VerificationReport(slices=0)
        self.token_breaks: dict[Any, Break] = {}
        self.ends = _Ends()  # each token's chain end before the slice being joined
        self.alternatives: dict[bytes, bytes] = {}  # chain value of a broken line -> hash computed for it
        self.last_line: Any = None  # the last line so far, and what the next one chains on
        self.chain_value: bytes | None = None

    def token_break(self, key: Any, brk: Break) -> None:
        self.report.token_break_count += 1
        self.token_breaks.setdefault(key, brk)

    def global_break(self, brk: Break) -> None:
        report = self.report
        report.global_break_count += 1
        if len(report.global_breaks) < self.limit:
            report.global_breaks.append(brk)

    def add(self, result: SliceResult) -> None:
        report = self.report
        report.slices += 1
        if not result.events:
            return
        ends = self.ends
        near, far, count = ends.near, ends.far, len(ends.near)
        sha, hx = _sha256, hexlify
        # First the links that hold, in one tight loop (most records are first lines of a token
        # continuing from an earlier slice: one SHA-256 each); then the rest, judged in order.
        judged = []
        keep = judged.append
        for record in result.records:
            _pos, tid, line, before, chained_on, own_end = record
            if own_end is not None or before is None:
                keep(record)  # failed in its slice, or the slice's first line
                continue
            end = near[tid] if 0 <= tid < count else far.get(tid)
            if end is None or hx(sha(end[:_SEQ_AT] + chained_on + line[:-_TAIL]).digest()) != line[-65:-1]:
                keep(record)
        if count or far:
            fresh = result.fresh
            restarted = [
                (fresh[k], fresh[k + 1], None, fresh[k + 2], fresh[k + 3], None)
                for k in range(0, len(fresh), 4)
                if ends.get(fresh[k + 1]) is not None
            ]
            if restarted:
                judged = sorted(judged + restarted, key=lambda record: record[0])
        for _pos, tid, line, before, chained_on, own_end in judged:
            if line is None:  # a chain begun anew in the slice, after an earlier slice saw the token
                self.restarted(tid, before, chained_on, ends.get(tid))
                continue
            end = own_end if own_end is not None else ends.get(tid)
            if before is None:
                self.judge(line, self.last_line, self.chain_value, end)
            else:
                self.judge(line, before, chained_on, end)
        ends.take(result)
        self.last_line, self.chain_value = result.last_line, result.chain_value
        report.events_checked += result.events

    def restarted(self, tid: int, gseq: int, previous_gseq: int, end: bytes) -> None:
        """A token's chain begun anew ("sequence 1") after an earlier slice saw its events."""
        self.token_break(tid, Break(SEQUENCE_GAP, tid, 1, gseq, f"expected sequence {_end_seq(end) + 1}"))
        if gseq != previous_gseq + 1:
            self.global_break(Break(GLOBAL_SEQUENCE_GAP, tid, 1, gseq, f"expected global sequence {previous_gseq + 1}"))

    def judge(self, line: Any, previous: Any, g: bytes | None, end: bytes | None) -> None:
        """Judge a line whose hash does not match what it chains on (``g``: the previous line's
        chain value, ``end``: its token's end; None for a chain's start), or could not be
        checked in its slice."""
        parsed = _parse(line)
        if parsed is None:
            self.token_break(b"?", Break(TOKEN_HASH_MISMATCH, None, None, None, f"malformed event row: {line[:80]!r}"))
            return
        t = ZERO_HASH if end is None else end[_HASH_AT:_SEQ_AT]
        g = ZERO_HASH if g is None else g
        body, stored = parsed.body, parsed.stored
        computed = _sha256(HASH_PREFIX + t + g + body).digest()
        if computed.hex() == stored:
            return
        # The stored hash of a previous event may have been overwritten (that event is reported):
        # then this one chains on the hash computed for it.
        t_alt = self.alternatives.get(t) if end is not None else None
        g_alt = self.alternatives.get(g) if previous is not None else None
        if t_alt is not None or g_alt is not None:
            computed = _sha256(HASH_PREFIX + (t_alt or t) + (g_alt or g) + body).digest()
            if computed.hex() == stored:
                return
            for t_try, g_try in ((t_alt, g), (t, g_alt)):
                if (
                    t_try is not None
                    and g_try is not None
                    and _sha256(HASH_PREFIX + t_try + g_try + body).hexdigest() == stored
                ):
                    return
        self.alternatives[_chain_value(line)] = computed
        self.classify(parsed, previous, end, computed)

    def classify(self, parsed: _Line, previous: Any, end: bytes | None, computed: bytes) -> None:
        expected = 1 if end is None else _end_seq(end) + 1
        g_expected = 1 if previous is None else _gseq_of(previous) + 1
        tid, seq, gseq = parsed.token_id, parsed.seq, parsed.gseq
        if seq != expected:
            self.token_break(tid, Break(SEQUENCE_GAP, tid, seq, gseq, f"expected sequence {expected}"))
        if gseq != g_expected:
            self.global_break(Break(GLOBAL_SEQUENCE_GAP, tid, seq, gseq, f"expected global sequence {g_expected}"))
        if seq != expected or gseq != g_expected:
            return
        if previous is not None and _parse(previous) is None:
            self.global_break(
                Break(GLOBAL_HASH_MISMATCH, tid, seq, gseq, "the row before it in the global chain is unreadable")
            )
        else:
            detail = _mismatch(parsed.stored, computed)
            if previous is not None:
                detail += f"; or global event {gseq - 1} before it was replaced by one hashed anew"
            self.token_break(tid, Break(TOKEN_HASH_MISMATCH, tid, seq, gseq, detail))

    def finish(self) -> VerificationReport:
        report = self.report
        breaks = sorted(self.token_breaks.items(), key=lambda item: _order(item[1].global_sequence))
        report.token_breaks = {brk.token_id if brk.token_id is not None else key: brk for key, brk in breaks}
        report.ends = self.ends
        if self.last_line is not None:  # the chain's last line: its number and hash, for check_head()
            report.last_global_sequence = _gseq_of(self.last_line)
            report.last_global_hash = _stored_hex(self.last_line)
        return report


def merge(
    results: Iterable[SliceResult], *, max_global_breaks: int = 1000, elapsed_seconds: float = 0.0
) -> VerificationReport:
    """Join the results of consecutive slices (in ``global_sequence`` order) into one report,
    judging every line they could not settle alone."""
    merger = _Merge(max_global_breaks)
    for result in results:
        merger.add(result)
    report = merger.finish()
    report.elapsed_seconds = elapsed_seconds
    return report


def check_head(report: VerificationReport, head_hash: str | None, head_count: int) -> list[str]:
    """Compare a verification with the separately stored global head; return the problems.

    The head record holds the number of events (= the last ``global_sequence``) and the last
    event's hash.  Detects truncation of the newest events (which leaves a valid but shorter
    chain) and events appended behind the head's back.
    """
    problems: list[str] = []
    last = report.last_global_sequence
    if last != head_count:
        what = "newest events deleted" if last < head_count else "events added outside the head"
        problems.append(f"the chain ends at global sequence {last}, the head records {head_count} events ({what})")
    if (report.last_global_hash or None) != (head_hash or None):
        problems.append(f"the last global hash is {report.last_global_hash!r}, the head records {head_hash!r}")
    return problems


# --------------------------------------------------------------------------- benchmark

_LOCATIONS = (
    None,
    "Văn phòng UBND tỉnh",
    "Phòng Hành chính - Tổ chức, Sở Thông tin và Truyền thông",
    "Trung tâm Phục vụ hành chính công",
    "Tủ tài liệu Mật, phòng Văn thư",
    "UBND xã Thạch Hà",
)
_REASONS = (
    None,
    "Bàn giao theo biên bản Mẫu 14",
    "Nghỉ hưu, bàn giao cho người kế nhiệm",
    "Kiểm kê định kỳ 6 tháng",
    "Thu hồi do chứng thư số hết hạn",
    "Mất thiết bị, đã lập biên bản Mẫu 15",
)


def synthetic_events(n: int, tokens: int | None = None, seed: int = 19) -> list[dict[str, Any]]:
    """``n`` plausible custody events spread over ``tokens`` tokens (n // 10 by default)."""
    rng = random.Random(seed)
    tokens = max(1, tokens if tokens is not None else n // 10)
    last_seq: dict[int, int] = {}
    start = dt.datetime(2024, 1, 1, 1, 2, 3)
    events = []
    for gseq in range(1, n + 1):
        token_id = rng.randrange(1, tokens + 1)
        seq = last_seq[token_id] = last_seq.get(token_id, 0) + 1
        handover = seq > 1 and rng.random() < 0.6
        events.append(
            {
                "sequence": seq,
                "global_sequence": gseq,
                "token_id": token_id,
                "token_serial": f"54010101{token_id:08X}",
                "event_type": "received" if seq == 1 else ("handover" if handover else rng.choice(EVENT_TYPES)),
                "state_from": None if seq == 1 else "assigned",
                "state_to": "in_stock" if seq == 1 else "assigned",
                "actor_id": rng.randrange(2, 60),
                "custodian_from_id": rng.randrange(1, 20_000) if handover else None,
                "custodian_to_id": rng.randrange(1, 20_000) if seq > 1 else None,
                "body_id": rng.randrange(1, 800),
                "location": rng.choice(_LOCATIONS),
                "occurred_at": start + dt.timedelta(seconds=gseq * 97, microseconds=rng.randrange(1_000_000)),
                "reason": rng.choice(_REASONS),
                "document_ref": f"{rng.randrange(1, 400)}/BB-BG" if handover else None,
            }
        )
    return events


def chain_lines(events: Iterable[Mapping[str, Any]]) -> list[bytes]:
    """Chain ``events`` with a fresh :class:`ChainWriter` and return the lines for :func:`verify`."""
    writer = ChainWriter()
    return [event_line(event, writer.append(event)) for event in events]


def benchmark(n: int = 200_000, repeat: int = 3, slices: int = 2) -> dict[str, Any]:
    """Time :func:`verify` over ``n`` synthetic events of ``n // 10`` tokens (best of
    ``repeat``), and the same lines in ``slices`` slices verified one after the other and merged
    (the work a worker process does, without the processes)."""
    t0 = time.perf_counter()
    lines = chain_lines(synthetic_events(n))
    build_seconds = time.perf_counter() - t0
    whole = []
    sliced = []
    for _ in range(max(1, repeat)):
        whole.append(verify(lines))
        started = time.perf_counter()
        parts = [lines[(first or 1) - 1 : last] for first, last in slice_bounds(n, slices)]
        report = merge([verify_slice(part) for part in parts])
        report.elapsed_seconds = time.perf_counter() - started
        sliced.append(report)
    if not all(report.ok and report.events_checked == n for report in whole + sliced):
        raise AssertionError("benchmark chain did not verify")
    best = min(whole, key=lambda report: report.elapsed_seconds)
    best_sliced = min(sliced, key=lambda report: report.elapsed_seconds)
    return {
        "events": n,
        "tokens": best.tokens_checked,
        "build_seconds": round(build_seconds, 3),
        "verify_seconds": round(best.elapsed_seconds, 4),
        "events_per_second": round(best.events_per_second),
        f"verify_seconds_{slices}_slices": round(best_sliced.elapsed_seconds, 4),
    }


if __name__ == "__main__":
    import sys

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    for key, value in benchmark(size).items():
        print(f"{key}: {value}")  # pylint: disable=print-used
