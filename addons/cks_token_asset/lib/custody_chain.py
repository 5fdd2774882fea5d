"""Custody chain of key-storage devices: canonical event serialisation and chain verification.

Every transition of a token (thiết bị lưu khóa bí mật) and every change of its custodian or
location writes an append-only *custody event*.  The events are protected by two hash chains:

* the **token chain** links the events of one token in ``sequence`` order::

      token_hash = SHA-256(b"CKS-TOKEN-v2\\0" + prev_token_hash + canonical_bytes(event))

  where ``prev_token_hash`` is the raw 32-byte ``token_hash`` of the token's previous event
  (32 zero bytes for its first event);

* the **global chain** links every event of the database in ``global_sequence`` order::

      global_hash = SHA-256(b"CKS-GLOBAL-v2\\0" + prev_global_hash + token_hash)

  so that deleting the whole history of a token (which leaves that token's own chain "clean",
  because there is nothing left to check) still breaks the global chain.

Hashes are stored and compared as 64-character lowercase hex strings.  The domain-separation
prefixes keep a token hash from ever being mistaken for a global hash, and the version in the
prefix says which canonical form was hashed.

Truncating the *newest* events of the whole database cannot be seen from the chain itself: the
model layer keeps the global head (hash and count of the last event) in a separate record and
compares it with :func:`check_head`.

Canonical form (v2)
-------------------
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
streams them, without rebuilding any text in Python (see below).  The model layer runs the
``COPY`` with :data:`SESSION_SQL` (the ISO date style) and UTF-8 client encoding; a test of the
model checks that PostgreSQL's line equals :func:`canonical_bytes` for awkward values.

Verification speed
------------------
:func:`verify_slice` (or :class:`StreamVerifier`, which ``cursor.copy_expert`` can write into)
takes the ``COPY`` lines of :func:`copy_sql`: the canonical line, then the stored ``token_hash``
and ``global_hash``, in ``global_sequence`` order.  A line whose hashes both match costs one
split, two SHA-256 and one comparison (both hashes hexlified at once against the line's tail),
about 2.5 us in CPython: nothing is parsed or formatted.  Each token's chain end (the hash to
chain on from and the sequence text of its last line) is one bytes object in a list indexed by
token id: on these machines a second per-token lookup costs as much as a SHA-256.  Only a line
that fails is parsed, to name the break.

A chain can be verified in **slices** of ``global_sequence`` verified independently, e.g. in
separate processes over one exported snapshot: each slice defers the links it cannot check
alone (the first event of a token whose earlier events lie in an earlier slice, and the
slice's first global link) and :func:`merge` resolves them in order, one SHA-256 per device.
:func:`verify` is one slice merged.  After a break the scan continues from the *stored* hash,
which keeps one tampered event to one report and makes slices independent.

Pure Python, standard library only, no Odoo import.  Run this file (``python -m
lib.custody_chain`` from the addon directory) to print a micro-benchmark.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
import unicodedata
from binascii import hexlify
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EVENT_FIELDS",
    "EVENT_TYPES",
    "GLOBAL_HASH_MISMATCH",
    "GLOBAL_PREFIX",
    "GLOBAL_SEQUENCE_GAP",
    "SEQUENCE_GAP",
    "SESSION_SQL",
    "TOKEN_HASH_MISMATCH",
    "TOKEN_PREFIX",
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
    "compute_global_hash",
    "compute_token_hash",
    "copy_sql",
    "event_line",
    "merge",
    "normalise_event",
    "slice_bounds",
    "synthetic_events",
    "verify",
    "verify_slice",
]

#: The canonical field list, in serialisation order.  Changing it changes every hash: bump the
#: version in :data:`TOKEN_PREFIX` / :data:`GLOBAL_PREFIX` if it ever has to change.
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

TOKEN_PREFIX = b"CKS-TOKEN-v2\0"
GLOBAL_PREFIX = b"CKS-GLOBAL-v2\0"
ZERO_HASH = bytes(32)

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
# Length of the stored-hash tail of a COPY line: TAB, 64 hex, TAB, 64 hex, newline.
_TAIL = 131
# A token's chain *end* while verifying: TOKEN_PREFIX + raw hash to chain on from + the sequence
# text of its last line.  One bytes object per token, read and replaced in the same slot by the
# hot loop (a second per-token lookup costs as much as a SHA-256 on these machines).
_HASH_AT = len(TOKEN_PREFIX)
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
        f"COPY (SELECT {', '.join(EVENT_FIELDS)}, token_hash, global_hash FROM {table}{condition}"
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


def compute_token_hash(prev_hex: str | None, event: Mapping[str, Any]) -> str:
    """Token hash of ``event`` given the previous event's token hash (None for the first)."""
    return _sha256(TOKEN_PREFIX + _raw(prev_hex) + canonical_bytes(event)).hexdigest()


def compute_global_hash(prev_hex: str | None, token_hash_hex: str) -> str:
    """Global hash of an event given the previous global hash (None for the first event)."""
    return _sha256(GLOBAL_PREFIX + _raw(prev_hex) + _raw(token_hash_hex)).hexdigest()


def event_line(event: Mapping[str, Any], token_hash: str, global_hash: str) -> bytes:
    """The ``COPY`` line :func:`verify` expects: canonical form, the two hashes, a newline."""
    return canonical_bytes(event) + f"\t{token_hash}\t{global_hash}\n".encode()


class ChainWriter:
    """Appends events to the chains in memory (test data, benchmarks, imports).

    Keeps the last sequence and token hash of each token and the global head.  The model layer
    does the same with the database: lock the global head record, read the token's last event,
    then call :func:`compute_token_hash` and :func:`compute_global_hash`.
    """

    def __init__(self, head_hash: str | None = None, head_count: int = 0) -> None:
        self.head_hash: str | None = head_hash
        self.head_count: int = head_count
        self.tokens: dict[int, tuple[int, str]] = {}  # token_id -> (last sequence, last token_hash)

    def next_sequences(self, token_id: int) -> tuple[int, int]:
        """(sequence, global_sequence) the next event of ``token_id`` must carry."""
        last = self.tokens.get(token_id)
        return (last[0] + 1 if last else 1), self.head_count + 1

    def append(self, event: Mapping[str, Any]) -> tuple[str, str]:
        """Chain ``event`` and return its ``(token_hash, global_hash)``.

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
        token_hash = compute_token_hash(last[1] if last else None, event)
        global_hash = compute_global_hash(self.head_hash, token_hash)
        self.tokens[token_id] = (sequence, token_hash)
        self.head_hash, self.head_count = global_hash, global_sequence
        return token_hash, global_hash


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

    def get(self, tid: Any) -> bytes | None:
        """The end of token ``tid`` (an int, or its digits as bytes), None if it has none."""
        return _end_in(self.near, self.far, tid)

    def take(self, result: SliceResult) -> None:
        """Move on to the ends a later slice left for the tokens it saw."""
        near, far = result.ends, result.far
        if not self.near and not self.far:
            self.near, self.far = list(near), dict(far)
            return
        mine = self.near
        if len(near) > len(mine):
            mine.extend([None] * (len(near) - len(mine)))
        for tid in result.seen:
            if tid < _NEAR:
                mine[tid] = near[tid]
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

    ``token_breaks`` holds the first break of each token's own chain (kinds
    ``token_hash_mismatch`` and ``sequence_gap``).  ``global_breaks`` holds the breaks of the
    global chain (``global_sequence_gap``, ``global_hash_mismatch``), each attributed to the
    event where it was found (at most ``max_global_breaks`` are kept; ``global_break_count``
    counts them all).  :meth:`first_break_by_token` merges both views.
    """

    events_checked: int = 0
    token_breaks: dict[Any, Break] = field(default_factory=dict)
    global_breaks: list[Break] = field(default_factory=list)
    global_break_count: int = 0
    token_break_count: int = 0  # every token-chain break, not only the first of each token
    last_global_sequence: int = 0
    last_global_hash: str | None = None  # stored global hash of the last row (the chain's head)
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
        """token id -> (sequence, token hash) of its last event: the state to chain on from."""
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


def _end_seq(end: bytes | None) -> int | None:
    """Sequence number of a chain end (-1 if its line had none readable, None without an end)."""
    return None if end is None else _int_or(end[_SEQ_AT:], -1)


def _end_in(near: list[bytes | None], far: dict[int, bytes], tid: Any) -> bytes | None:
    """Chain end of token ``tid`` (an int, or its digits as bytes) in ends kept as the hot loop
    keeps them: ``near`` indexed by id, ``far`` for ids from ``_NEAR`` on."""
    tid = _int_or(tid, -1)
    if tid < 0:
        return None
    return near[tid] if tid < len(near) else far.get(tid)


def _end_link(end: bytes | None) -> tuple[int, bytes] | None:
    """(sequence, raw hash) to chain on from, of a chain end."""
    return None if end is None else (_end_seq(end), end[_HASH_AT:_SEQ_AT])


@dataclass(slots=True)
class _Line:
    """A COPY line taken apart (only for lines that need a closer look)."""

    tid: bytes
    seq: int
    gseq: int
    body: bytes
    stored_t: str
    stored_g: str

    @property
    def token_id(self) -> int:
        return int(self.tid)


def _parse(line: Any) -> _Line | None:
    try:
        text = line[:-1] if line.endswith(b"\n") else line
        body, stored_t, stored_g = text.rsplit(b"\t", 2)
        fields = body.split(b"\t")
        if len(fields) != _NFIELDS:
            return None
        return _Line(fields[2], int(fields[0]), int(fields[1]), body, stored_t.decode(), stored_g.decode())
    except (AttributeError, TypeError, ValueError):
        return None


def _well_formed(line: bytes, head: list[bytes]) -> tuple[int, int, bytes] | None:
    """(sequence, global sequence, stored token hash) of a line laid out as COPY prints it.

    ``head`` is ``line[:-_TAIL].split(b"\\t", 3)``.  ``None`` unless the line ends with two
    TAB-separated 64-digit hex hashes and a newline after exactly fifteen fields whose first two
    are integers: exactly the lines :func:`_parse` reads with those hashes at the fixed offsets.
    """
    end = len(line) - _TAIL
    if end < 0 or line[end] != 9 or line[-66] != 9 or line[-1] != 10 or line.count(b"\t", 0, end) != _NFIELDS - 1:
        return None
    try:
        stored = bytes.fromhex(line[-130:-66].decode("ascii"))
        stored_global = bytes.fromhex(line[-65:-1].decode("ascii"))  # fromhex() skips spaces: lengths below
        numbers = int(head[0]), int(head[1])
    except (ValueError, IndexError):
        return None
    return (*numbers, stored) if len(stored) == len(stored_global) == 32 else None


def _stored_raw(stored: Any, computed: bytes) -> bytes:
    """Raw bytes of a stored hex hash to continue the chain from (the computed one if unreadable)."""
    try:
        raw = bytes.fromhex(stored)
    except (TypeError, ValueError):
        return computed or ZERO_HASH
    return raw if len(raw) == 32 else (computed or ZERO_HASH)


def _count_global_break(found: SliceResult | VerificationReport, brk: Break, limit: int) -> None:
    """Count a break of the global chain; keep it while fewer than ``limit`` are kept."""
    found.global_break_count += 1
    if len(found.global_breaks) < limit:
        found.global_breaks.append(brk)


def _malformed_break(line: Any) -> Break:
    return Break(TOKEN_HASH_MISMATCH, None, None, None, f"malformed event row: {line[:80]!r}")


@dataclass
class SliceResult:
    """What :func:`verify_slice` found in one slice, with the links it left to :func:`merge`.

    Plain data (bytes, ints, str, lists, dicts, :class:`Break`), so that :meth:`to_plain` can
    send it from a worker process.  Token ids are the bytes of the COPY line.
    """

    events: int = 0
    token_breaks: dict[bytes, Break] = field(default_factory=dict)
    token_break_count: int = 0
    global_breaks: list[Break] = field(default_factory=list)
    global_break_count: int = 0
    # chain end (see _SEQ_AT) of each token's last line in the slice: a list indexed by token id
    # (None: not in the slice) and, for ids from _NEAR on, a dict; ids in order of first line
    ends: list[bytes | None] = field(default_factory=list)
    far: dict[int, bytes] = field(default_factory=dict)
    seen: list[int] = field(default_factory=list)
    pending: dict[bytes, tuple[int, bytes]] = field(default_factory=dict)  # tid -> (seq, computed raw)
    fresh: dict[bytes, int] = field(default_factory=dict)  # tid -> global sequence of its "sequence 1"
    # first line of a token continuing a chain: (token id, line, its chain end as read from the line)
    deferred: list[tuple[int, bytes, bytes]] = field(default_factory=list)
    odd: list[bytes] = field(default_factory=list)  # tids of deferred lines not laid out as COPY prints them
    recheck: dict[bytes, bytes] = field(default_factory=dict)  # tid -> line after its deferred one
    g_first: bytes | None = None  # first line, when its global link needs the slice before
    g_recheck: bytes | None = None  # second line, when it failed against the first one's hash
    g_pending: tuple[int, bytes] | None = None
    last_gseq: int = 0
    last_global: str | None = None
    g_raw: bytes | None = None

    def to_plain(self) -> dict[str, Any]:
        plain = {name: getattr(self, name) for name in self.__dataclass_fields__}
        plain["token_breaks"] = {tid: _break_plain(brk) for tid, brk in self.token_breaks.items()}
        plain["global_breaks"] = [_break_plain(brk) for brk in self.global_breaks]
        return plain

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> SliceResult:
        result = cls(**plain)
        result.token_breaks = {tid: Break(*brk) for tid, brk in plain["token_breaks"].items()}
        result.global_breaks = [Break(*brk) for brk in plain["global_breaks"]]
        return result


def _break_plain(brk: Break) -> tuple[Any, ...]:
    return (brk.kind, brk.token_id, brk.sequence, brk.global_sequence, brk.detail)


class _Slice:
    """State of one slice: the hot loop's dicts and the slow paths it calls on a failed link."""

    def __init__(self, max_global_breaks: int) -> None:
        self.limit = max_global_breaks
        self.result = SliceResult()
        self.ends: list[bytes | None] = []  # token id -> chain end (see _SEQ_AT) of its last line so far
        self.far: dict[int, bytes] = {}  # the same for token ids from _NEAR on
        self.seen: list[int] = []  # token ids in the order of their first line in the slice
        self.deferred_ends: dict[bytes, bytes] = {}  # tid -> the end stored for its deferred line
        self.last_line: bytes | None = None
        self.g_raw: bytes | None = None

    # token chain ------------------------------------------------------------------------
    def _token_break(self, brk: Break, tid: bytes) -> None:
        self.result.token_break_count += 1
        self.result.token_breaks.setdefault(tid, brk)

    def malformed(self, line: Any) -> bytes:
        self.result.token_break_count += 1
        self.result.token_breaks.setdefault(b"?", _malformed_break(line))
        return ZERO_HASH

    def first_of_token(self, token_id: int, line: bytes, head: list[bytes]) -> bytes:
        """The token's first line in this slice, checked now if it starts the chain, else
        deferred; returns its chain end.

        ``head`` is the line split as the hot loop split it (``head[2]`` is the token id as
        printed, ``token_id`` its value).  A well-formed line costs no parsing:
        a first event is hashed and compared in raw bytes, a line continuing a chain is deferred
        with its stored hash read at the fixed offset.  Anything else goes the slow way.
        """
        tid = head[2]
        self.seen.append(token_id)
        known = _well_formed(line, head)
        if known is not None:
            seq, gseq, stored = known
            if seq != 1:
                return self._defer(tid, token_id, line, TOKEN_PREFIX + stored + head[0])
            digest = _sha256(TOKEN_PREFIX + ZERO_HASH + line[:-_TAIL]).digest()
            if digest == stored:
                self.result.fresh[tid] = gseq
                return TOKEN_PREFIX + digest + head[0]
        return self._first_of_token_slow(tid, token_id, line, head[0])

    def _defer(self, tid: bytes, token_id: int, line: bytes, end: bytes) -> bytes:
        self.result.deferred.append((token_id, line, end))
        self.deferred_ends[tid] = end
        return end

    def _first_of_token_slow(self, tid: bytes, token_id: int, line: bytes, seq_text: bytes) -> bytes:
        parsed = _parse(line)
        if parsed is None:
            return TOKEN_PREFIX + self.malformed(line) + seq_text
        if parsed.seq != 1:
            self.result.odd.append(tid)  # merge() must not read it at the fixed offsets
            return self._defer(tid, token_id, line, TOKEN_PREFIX + _stored_raw(parsed.stored_t, ZERO_HASH) + seq_text)
        self.result.fresh[tid] = parsed.gseq
        digest = _sha256(TOKEN_PREFIX + ZERO_HASH + parsed.body).digest()
        if digest.hex() == parsed.stored_t:
            return TOKEN_PREFIX + digest + seq_text
        self._token_break(
            Break(TOKEN_HASH_MISMATCH, parsed.token_id, 1, parsed.gseq, _mismatch(parsed.stored_t, digest)), tid
        )
        self.result.pending[tid] = (1, digest)
        return TOKEN_PREFIX + _stored_raw(parsed.stored_t, digest) + seq_text

    def token_break(self, tid: bytes, line: bytes, digest: bytes, previous: bytes) -> bytes:
        """A link that failed (``previous``: the token's chain end before it); returns the hash
        to go on from.

        If only the previous event's *stored* hash was altered, this event still chains to the
        hash computed for it: that is accepted quietly (the previous event was already
        reported), so overwriting one stored hash is one break, like editing one event.
        """
        parsed = _parse(line)
        if parsed is None:
            return self.malformed(line)
        expected = _end_seq(previous) + 1
        alternative = self.result.pending.pop(tid, None)
        if (
            alternative is not None
            and parsed.seq == expected
            and alternative[0] == parsed.seq - 1
            and _sha256(TOKEN_PREFIX + alternative[1] + parsed.body).hexdigest() == parsed.stored_t
        ):
            return bytes.fromhex(parsed.stored_t)
        if previous is self.deferred_ends.get(tid):
            self.result.recheck[tid] = line  # judged by merge(), once the deferred link is known
            self.result.pending[tid] = (parsed.seq, digest)
            return _stored_raw(parsed.stored_t, digest)
        if parsed.seq != expected:
            brk = Break(SEQUENCE_GAP, parsed.token_id, parsed.seq, parsed.gseq, f"expected sequence {expected}")
        else:
            brk = Break(
                TOKEN_HASH_MISMATCH, parsed.token_id, parsed.seq, parsed.gseq, _mismatch(parsed.stored_t, digest)
            )
        self._token_break(brk, tid)
        self.result.pending[tid] = (parsed.seq, digest)
        return _stored_raw(parsed.stored_t, digest)

    def end_beyond(self, tid: int) -> bytes | None:
        """Chain end of a token id past the end of the list, which grows to take a near one."""
        if tid < _NEAR:
            self.ends.extend([None] * (min(_NEAR, max(tid + 1, 2 * len(self.ends))) - len(self.ends)))
            return None
        return self.far.get(tid)

    # global chain -----------------------------------------------------------------------
    def _global_break(self, brk: Break) -> None:
        _count_global_break(self.result, brk, self.limit)

    def first_global(self, line: bytes, token_raw: bytes) -> bytes:
        parsed = _parse(line)
        if parsed is None or parsed.gseq != 1:
            self.result.g_first = line
            return _stored_raw(parsed.stored_g if parsed else None, ZERO_HASH)
        digest = _sha256(GLOBAL_PREFIX + ZERO_HASH + token_raw).digest()
        if digest.hex() == parsed.stored_g:
            return digest
        self._global_break(
            Break(GLOBAL_HASH_MISMATCH, parsed.token_id, parsed.seq, 1, _mismatch(parsed.stored_g, digest))
        )
        self.result.g_pending = (1, digest)
        return _stored_raw(parsed.stored_g, digest)

    def global_break(self, line: bytes, previous: bytes, digest: bytes, token_raw: bytes) -> bytes:
        parsed = _parse(line)
        if parsed is None:  # an unreadable row: the chain goes on from zero, as after any slice cut
            self._global_break(_malformed_break(line))
            return ZERO_HASH
        expected = _gseq_of(previous) + 1
        alternative, self.result.g_pending = self.result.g_pending, None
        if (
            alternative is not None
            and parsed.gseq == expected
            and alternative[0] == parsed.gseq - 1
            and _sha256(GLOBAL_PREFIX + alternative[1] + token_raw).hexdigest() == parsed.stored_g
        ):
            return bytes.fromhex(parsed.stored_g)
        if previous is self.result.g_first:
            self.result.g_recheck = line
            self.result.g_pending = (parsed.gseq, digest)
            return _stored_raw(parsed.stored_g, digest)
        if parsed.gseq != expected:
            brk = Break(
                GLOBAL_SEQUENCE_GAP, parsed.token_id, parsed.seq, parsed.gseq, f"expected global sequence {expected}"
            )
        else:
            brk = Break(
                GLOBAL_HASH_MISMATCH, parsed.token_id, parsed.seq, parsed.gseq, _mismatch(parsed.stored_g, digest)
            )
        self._global_break(brk)
        self.result.g_pending = (parsed.gseq, digest)
        return _stored_raw(parsed.stored_g, digest)

    def finish(self) -> SliceResult:
        result = self.result
        result.ends, result.far, result.seen = self.ends, self.far, self.seen
        last = _parse(self.last_line) if self.last_line is not None else None
        if last is not None:
            result.last_gseq, result.last_global = last.gseq, last.stored_g
        elif self.last_line is not None:
            result.last_gseq = _gseq_of(self.last_line)
        result.g_raw = self.g_raw
        return result


def _gseq_of(line: Any) -> int:
    """The global sequence number of a line, read even from an unreadable row (-1 if absent)."""
    try:
        return _int_or(line.split(b"\t", 2)[1], -1)
    except (AttributeError, TypeError, IndexError):
        return -1


def _mismatch(stored: str, computed: bytes) -> str:
    return f"stored {stored!r}, computed {computed.hex()}"


def _consume(state: _Slice):  # noqa: PLR0912, PLR0915 (one frame on purpose: a call per line costs as much as a link)
    """The hot loop, as a generator fed one COPY line at a time (``send``); ``None`` ends it.

    A line whose two stored hashes match costs one split, two SHA-256 and one comparison: both
    hashes are hexlified at once (TAB between them) and compared with the line's last 129
    bytes, where COPY prints them; the canonical line is the rest.  Anything else (a device's
    first line in the slice, the slice's first line, a failed link) takes the slow paths.  A
    row whose token id is not a non-negative integer is unreadable.
    """
    sha, hx = _sha256, hexlify
    token_prefix, global_prefix = TOKEN_PREFIX, GLOBAL_PREFIX
    hash_at, seq_at = _HASH_AT, _SEQ_AT
    ends, far = state.ends, state.far
    g_prefix = None
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
            state.malformed(line)
            line = yield
            continue
        try:
            end = ends[tid]
        except IndexError:
            end = state.end_beyond(tid)
        if end is None:
            end = state.first_of_token(tid, line, head)
            digest = end[hash_at:seq_at]
        else:
            digest = sha(end[:seq_at] + body).digest()
            if g_prefix is not None:
                g_digest = sha(g_prefix + digest).digest()
                if hx(digest + g_digest, b"\t", 32) == line[-130:-1]:
                    end = token_prefix + digest + head[0]
                    try:
                        ends[tid] = end
                    except IndexError:
                        far[tid] = end
                    g_prefix = global_prefix + g_digest
                    previous = line
                    line = yield
                    continue
            if hx(digest) != line[-130:-66]:
                digest = state.token_break(head[2], line, digest, end)
            end = token_prefix + digest + head[0]
        try:
            ends[tid] = end
        except IndexError:
            far[tid] = end
        if g_prefix is None:
            g_digest = state.first_global(line, digest)
        else:
            g_digest = sha(g_prefix + digest).digest()
            if hx(g_digest) != line[-65:-1]:
                g_digest = state.global_break(line, previous, g_digest, digest)
        g_prefix = global_prefix + g_digest
        previous = line
        line = yield
    state.result.events = count
    state.last_line = previous
    state.g_raw = g_prefix[len(global_prefix) :] if g_prefix is not None else None
    yield


class StreamVerifier:
    """Verifies one slice from lines written into it; a file-like for ``cursor.copy_expert``::

    verifier = StreamVerifier()
    cr.execute(SESSION_SQL)
    cr.copy_expert(copy_sql(first, last), verifier)
    result = verifier.finish()
    """

    def __init__(self, max_global_breaks: int = 1000) -> None:
        self._state = _Slice(max_global_breaks)
        self._consumer = _consume(self._state)
        next(self._consumer)
        self.write = self._consumer.send

    def finish(self) -> SliceResult:
        self._consumer.send(None)
        return self._state.finish()


def verify_slice(lines: Iterable[bytes], *, max_global_breaks: int = 1000) -> SliceResult:
    """Verify the links inside one slice of COPY lines (each ending with a newline), in
    ``global_sequence`` order; the links to earlier slices are left to :func:`merge`."""
    verifier = StreamVerifier(max_global_breaks)
    write = verifier.write
    for line in lines:
        write(line)
    return verifier.finish()


def verify(lines: Iterable[bytes], *, max_global_breaks: int = 1000) -> VerificationReport:
    """Recompute both chains over ``lines`` (the whole chain, as :func:`copy_sql` streams it).

    After a break the chain continues from the *stored* hash, so one tampered event is
    reported once instead of breaking everything after it, and the scan goes on to report the
    later breaks of other tokens.  The global chain is computed over the *stored* token hashes:
    editing an event's content breaks its token chain only, while a forged (recomputed) token
    hash or a deleted, inserted or reordered event breaks the global chain.
    """
    started = time.perf_counter()
    result = verify_slice(lines, max_global_breaks=max_global_breaks)
    return merge([result], max_global_breaks=max_global_breaks, elapsed_seconds=time.perf_counter() - started)


class _Merge:
    """Joins slice results in order, checking the links each slice left open."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.report = VerificationReport(slices=0)
        self.token_breaks: dict[bytes, Break] = {}
        self.ends = _Ends()  # each token's chain end so far
        self.alternatives: dict[bytes, tuple[int, bytes]] = {}
        self.g_last: tuple[int, bytes] | None = None
        self.g_alternative: tuple[int, bytes] | None = None

    def token_break(self, tid: Any, brk: Break) -> None:
        self.report.token_break_count += 1
        self.token_breaks.setdefault(tid, brk)

    def global_break(self, brk: Break) -> None:
        _count_global_break(self.report, brk, self.limit)

    def _add(self, token: bool, tid: Any, brk: Break) -> None:
        """Count a break of the token chain (``token``) or of the global chain."""
        if token:
            self.token_break(tid, brk)
        else:
            self.global_break(brk)

    def _link(self, parsed: _Line, chain_from: tuple[int, bytes] | None, alternative, token: bool):
        """(ok, computed raw hash or None, expected sequence) of one deferred link."""
        expected = chain_from[0] + 1 if chain_from else 1
        if chain_from is None:
            return False, None, expected
        prefix, stored = (TOKEN_PREFIX, parsed.stored_t) if token else (GLOBAL_PREFIX, parsed.stored_g)
        payload = parsed.body if token else _stored_raw(parsed.stored_t, ZERO_HASH)
        number = parsed.seq if token else parsed.gseq
        computed = _sha256(prefix + chain_from[1] + payload).digest()
        if number == expected and computed.hex() == stored:
            return True, computed, expected
        ok = (
            alternative is not None
            and number == expected
            and alternative[0] == expected - 1
            and _sha256(prefix + alternative[1] + payload).hexdigest() == stored
        )
        return ok, computed, expected

    def _break(self, parsed: _Line, token: bool, expected: int, computed: bytes | None) -> Break:
        number = parsed.seq if token else parsed.gseq
        if number != expected:
            kind = SEQUENCE_GAP if token else GLOBAL_SEQUENCE_GAP
            detail = f"expected {'sequence' if token else 'global sequence'} {expected}"
        else:
            kind = TOKEN_HASH_MISMATCH if token else GLOBAL_HASH_MISMATCH
            stored = parsed.stored_t if token else parsed.stored_g
            detail = _mismatch(stored, computed) if computed else "no previous event"
        return Break(kind, parsed.token_id, parsed.seq, parsed.gseq, detail)

    def _resolve(self, line: bytes, token: bool, result: SliceResult) -> None:
        parsed = _parse(line)
        recheck = (result.recheck.get(parsed.tid) if parsed else None) if token else result.g_recheck
        if parsed is None:  # only a slice's first line can be unreadable here (deferred lines were read)
            self.global_break(_malformed_break(line))
            after = _parse(recheck) if recheck is not None else None
            if after is not None:  # judged as one pass does after an unreadable row: from zero
                _ok, again, expected = self._link(after, (_gseq_of(line), ZERO_HASH), None, False)
                self.global_break(self._break(after, False, expected, again))
            return
        tid = parsed.tid
        if token:
            chain_from, alternative = _end_link(self.ends.get(tid)), self.alternatives.get(tid)
        else:
            chain_from, alternative = self.g_last, self.g_alternative
        ok, computed, expected = self._link(parsed, chain_from, alternative, token)
        if not ok:
            self._add(token, tid, self._break(parsed, token, expected, computed))
            if token and computed and _end_seq(_end_in(result.ends, result.far, tid)) == parsed.seq:
                result.pending.setdefault(tid, (parsed.seq, computed))
        if recheck is None:
            return
        after = _parse(recheck)
        if after is None:
            self._add(token, b"?", _malformed_break(recheck))
            return
        number = parsed.seq if token else parsed.gseq
        if not ok and computed is not None:
            quiet, _computed, _expected = self._link(after, (number, computed), None, token)
            if quiet:
                return
        raw_from = _stored_raw(parsed.stored_t if token else parsed.stored_g, ZERO_HASH)
        _ok, again, expected = self._link(after, (number, raw_from), None, token)
        self._add(token, tid, self._break(after, token, expected, again))

    def add(self, result: SliceResult) -> None:
        report = self.report
        report.slices += 1
        if not result.events:
            return
        ends = self.ends
        if ends.near or ends.far:
            for tid, gseq in result.fresh.items():
                head = ends.get(tid)
                if head is not None:
                    seq = _end_seq(head) + 1
                    self.token_break(tid, Break(SEQUENCE_GAP, _int_or(tid, tid), 1, gseq, f"expected sequence {seq}"))
        self._resolve_deferred(result)
        for tid, brk in result.token_breaks.items():
            self.token_breaks.setdefault(tid, brk)
        report.token_break_count += result.token_break_count
        if result.g_first is not None:
            self._resolve(result.g_first, False, result)
        report.global_break_count += result.global_break_count
        room = max(0, self.limit - len(report.global_breaks))
        report.global_breaks.extend(result.global_breaks[:room])
        if self.alternatives:
            for tid in result.seen:
                self.alternatives.pop(b"%d" % tid, None)
        ends.take(result)
        self.alternatives.update(result.pending)
        if result.g_raw is not None:
            self.g_last = (result.last_gseq, result.g_raw)
        self.g_alternative = result.g_pending
        report.events_checked += result.events
        report.last_global_sequence = result.last_gseq
        report.last_global_hash = result.last_global

    def _resolve_deferred(self, result: SliceResult) -> None:
        """Check each token's first line of the slice against the token's end so far.

        A line laid out as COPY prints it, that nothing in its slice waits on, and whose stored
        hash is the hash of its canonical form chained on the end is settled here with one
        SHA-256 (the work a whole slice of devices asks of this one process).  As in the hot
        loop, a link that holds also vouches for the sequence number, which is part of what was
        hashed.  Anything else goes to ``_resolve``.
        """
        near, far, sha, resolve = self.ends.near, self.ends.far, _sha256, self._resolve
        count = len(near)
        waiting = {_int_or(tid, None) for tid in (*result.recheck, *result.odd)}
        for tid, line, mine in result.deferred:  # token ids here are ints >= 0 (the hot loop read them)
            end = near[tid] if tid < count else far.get(tid)
            if end is None or tid in waiting or sha(end[:_SEQ_AT] + line[:-_TAIL]).digest() != mine[_HASH_AT:_SEQ_AT]:
                resolve(line, True, result)

    def finish(self) -> VerificationReport:
        report = self.report
        report.token_breaks = {
            brk.token_id if brk.token_id is not None else tid: brk for tid, brk in self.token_breaks.items()
        }
        report.ends = self.ends
        return report


def merge(
    results: Iterable[SliceResult], *, max_global_breaks: int = 1000, elapsed_seconds: float = 0.0
) -> VerificationReport:
    """Join the results of consecutive slices (in ``global_sequence`` order) into one report,
    checking the links each slice could not check alone."""
    merger = _Merge(max_global_breaks)
    for result in results:
        merger.add(result)
    report = merger.finish()
    report.elapsed_seconds = elapsed_seconds
    return report


def check_head(report: VerificationReport, head_hash: str | None, head_count: int) -> list[str]:
    """Compare a verification with the separately stored global head; return the problems.

    The head record holds the number of events (= the last ``global_sequence``) and the last
    ``global_hash``.  Detects truncation of the newest events (which leaves a valid but shorter
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
    return [event_line(event, *writer.append(event)) for event in events]


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
