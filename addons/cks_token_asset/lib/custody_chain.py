"""Custody chain of key-storage devices: how an event is hashed, and how the chain is verified.

Every change of a device (thiết bị lưu khóa bí mật), of its state, custodian or location, appends
a *custody event*, never changed nor deleted.  Each stores one SHA-256, as 64 lowercase hex digits::

    event_hash = SHA-256(b"CKS-CUSTODY-v4\\0" + prev_token_hash + prev_global_hash + canonical line)

``prev_token_hash`` is the raw 32-byte hash of the device's previous event (``sequence`` order),
``prev_global_hash`` that of the previous event of the database (``global_sequence`` order); 32
zero bytes stand for none.  The device chain names the event that changed; the global chain
notices even a device's whole history deleted.  Each device record also keeps the length of its
history and its last hash, and one head record the number of events and the last hash: cutting the
newest events leaves a chain that verifies, but not one that ends where they say.

An event has two times: ``occurred_at``, when it happened, and ``recorded_at``, when the server
chained it.  They are one instant for what the system records live; an event carried over from a
paper register (sổ quản lý thiết bị) keeps the date the register gives, and the date it was entered.
Both are hashed: nobody can later say an event was recorded earlier than it was.  Events chained
before version 19.0.1.2.0 have no ``recorded_at`` (None: recorded when they occurred) and keep their
``v3`` hash, over the line without its last field: ``b"CKS-CUSTODY-v3\\0"`` + the two links + the
first 15 fields.

The canonical line is what PostgreSQL's ``COPY ... TO STDOUT`` prints for the columns of
:data:`EVENT_FIELDS` (text format, after :data:`SESSION_SQL`; UTF-8, no newline), so that an
auditor can recompute a hash with ``psql`` and ``sha256sum``.  Spelled out: fields joined by TAB;
None is ``\\N``; integers in decimal; text in NFC (Vietnamese arrives precomposed or decomposed; the
model stores NFC) with backslash, BS, FF, LF, CR, TAB, VT written ``\\\\ \\b \\f \\n \\r \\t \\v``;
``occurred_at`` and ``recorded_at`` as the UTC instant ``YYYY-MM-DD HH:MM:SS``, then ``.`` and the
microseconds without trailing zeros if there are any.

Verification reads the chain in global order, one ``COPY`` line per event (canonical line, TAB,
stored hash, newline), in one pass: per line, the stored hashes of the device's previous line and
of the previous line, one SHA-256, one comparison.  A line that matches is accepted without being
taken apart (a number its writer skipped, with hashes that link, too).  The chain goes on from each
line's *stored* hash whatever its verdict, so one tampered event is reported once.  The few lines
that fail are judged after the pass, with the device records and the head:

- ``sequence_gap``: the device's number does not follow its previous line's (a first line must be
  1); ``global_sequence_gap``: the global number does not follow the previous line's.  Deleting an
  event gives both, at the device's next event and at the chain's next;
- ``altered``: the numbers follow, but the stored hash is not that of the content and of what it
  chains on: the event was edited, or its stored hash overwritten (the events chained on it then
  match the hash computed for it, and are accepted);
- ``replaced``: the event verifies, but its device successor (the device's next event, or its
  record after the last) and its global successor (the next line, or the head after the last) both
  fail to chain on it: it was edited and hashed anew.  When both successors are one event, that
  event is named ``altered``, with the one before as maybe replaced: the hashes cannot tell;
- ``unreadable``: a row that cannot be taken apart;
- ``history_missing``: a device record says N events, the chain has fewer (none, or the newest
  deleted); ``device_mismatch``: a record's last hash is not the device's last event's, or the
  chain has more events than recorded, or a device has no record;
- ``head_mismatch``: the chain does not end at the head's number of events and hash;
- ``anchor_mismatch``: an anchor an auditor kept outside the database does not match the chain
  (:func:`check_anchors`): it catches an owner who rewrote the chain, records and head together.

Pure Python, standard library only, no Odoo import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
import unicodedata
from binascii import hexlify, unhexlify
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

# The canonical fields, in order.  Changing them changes every hash: bump the prefix's version.
EVENT_FIELDS: tuple[str, ...] = (
    "sequence",  # int >= 1, the device's own event number
    "global_sequence",  # int >= 1, the event's number in the database
    "token_id",  # int, the device
    "token_serial",  # str
    "event_type",  # str
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
    "recorded_at",  # datetime | None, when the server chained it (None: an event of v3, see above)
)
HASH_PREFIX = b"CKS-CUSTODY-v4\0"
HASH_PREFIX_V3 = b"CKS-CUSTODY-v3\0"  # events without recorded_at, over the first 15 fields
_V3_TAIL = b"\t\\N"  # how a line without recorded_at ends
ZERO_HASH = bytes(32)
#: Run in the transaction before :func:`copy_sql`: timestamps in the canonical (ISO) style.
SESSION_SQL = "SET LOCAL DateStyle TO 'ISO, YMD'"

ALTERED = "altered"
REPLACED = "replaced"
SEQUENCE_GAP = "sequence_gap"
GLOBAL_SEQUENCE_GAP = "global_sequence_gap"
UNREADABLE = "unreadable"
HISTORY_MISSING = "history_missing"
DEVICE_MISMATCH = "device_mismatch"
HEAD_MISMATCH = "head_mismatch"
ANCHOR_MISMATCH = "anchor_mismatch"

Devices = Mapping[int, tuple[int, str | None]]  # device -> (history length, last hash), as its record says
Head = tuple[int, str | None]  # (number of events, last hash), as the head says

_INT, _OPT_INT, _STR, _OPT_STR, _WHEN, _OPT_WHEN = range(6)  # what each field holds, in EVENT_FIELDS order:
_KINDS = (
    (_INT,) * 3 + (_STR,) * 2 + (_OPT_STR,) * 2 + (_INT,) + (_OPT_INT,) * 3 + (_OPT_STR, _WHEN) + (_OPT_STR,) * 2
) + (_OPT_WHEN,)
_ESCAPES = str.maketrans({"\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"})
_TAIL = 66  # a COPY line ends with TAB, the stored hash (64 hex digits) and a newline
_NEAR = 1 << 22  # device ids below this are kept in a list, quicker to reach than a dict (others: slower)
_sha256 = hashlib.sha256


# --------------------------------------------------------------------------- canonical form


def canonical_text(value: str) -> str:
    """NFC form of ``value``, what the model stores; ``ValueError`` for a NUL or a lone surrogate."""
    text = value if value.isascii() else unicodedata.normalize("NFC", value)
    if "\0" in text:
        raise ValueError(f"text holds a NUL character: {value!r}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"text holds a lone surrogate: {value!r}") from exc
    return text


def _utc_instant(value: dt.datetime | str, name: str = "occurred_at") -> dt.datetime:
    """``value`` (datetime, or ISO 8601 string; without an offset it means UTC) as naive UTC."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"{name}: not an ISO 8601 date-time: {value!r}") from exc
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{name} must be a datetime or an ISO 8601 string, not {type(value).__name__}")
    if value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(dt.UTC)
    value = value.replace(tzinfo=None)
    if value.year < 1000:
        raise ValueError(f"{name} before the year 1000: {value!r}")
    return value


def canonical_occurred_at(value: dt.datetime | str) -> str:
    """``value`` as PostgreSQL prints a UTC ``timestamp``: ``YYYY-MM-DD HH:MM:SS[.ffffff]``, the
    microseconds without trailing zeros, and none at all when they are zero."""
    value = _utc_instant(value)
    text = value.isoformat(" ")
    return text.rstrip("0") if value.microsecond else text


def _check_value(name: str, kind: int, value: Any) -> Any:
    if value is None and kind in (_OPT_INT, _OPT_STR, _OPT_WHEN):
        return None
    optional = " or None" if kind in (_OPT_INT, _OPT_STR, _OPT_WHEN) else ""
    if kind in (_INT, _OPT_INT):
        if type(value) is bool or not isinstance(value, int):
            raise TypeError(f"{name} must be an int{optional}, not {value!r}")
        if name in ("sequence", "global_sequence") and value < 1:
            raise ValueError(f"{name} must be >= 1, not {value}")
        return int(value)
    if kind in (_STR, _OPT_STR):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str{optional}, not {value!r}")
        return canonical_text(str(value))
    if value is None:
        raise TypeError(f"{name} is required")
    return _utc_instant(value, name)


def normalise_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """The event as it must be stored for its hash to verify: text in NFC, ``occurred_at`` and
    ``recorded_at`` as naive UTC datetimes.  Raises like :func:`canonical_bytes`."""
    if len(event) != len(EVENT_FIELDS) or not set(EVENT_FIELDS).issuperset(event):
        missing = sorted(set(EVENT_FIELDS).difference(event))
        unknown = sorted(map(str, set(event).difference(EVENT_FIELDS)))
        raise ValueError(f"custody event fields: missing {missing}, unknown {unknown}")
    return {name: _check_value(name, kind, event[name]) for name, kind in zip(EVENT_FIELDS, _KINDS, strict=True)}


def _copy_field(kind: int, value: Any) -> str:
    if value is None:
        return "\\N"
    if kind in (_WHEN, _OPT_WHEN):
        return canonical_occurred_at(value)
    if kind in (_STR, _OPT_STR):
        return value.translate(_ESCAPES) if "\\" in value or not value.isprintable() else value
    return str(value)


def canonical_bytes(event: Mapping[str, Any]) -> bytes:
    """The canonical line of ``event``, a mapping with exactly the keys of :data:`EVENT_FIELDS`
    (as ``COPY`` prints it: for a ``v3`` event, too, it ends with ``recorded_at``, ``\\N``).
    ``ValueError`` for missing or unknown keys and values out of range, ``TypeError`` for values
    of the wrong type (``bool`` where an ``int`` is expected, too)."""
    values = normalise_event(event)
    return "\t".join(_copy_field(kind, values[name]) for name, kind in zip(EVENT_FIELDS, _KINDS, strict=True)).encode()


def copy_sql(table: str = "cks_custody_event") -> str:
    """The ``COPY`` that streams the whole chain in global order (``table``: the caller's constant)."""
    return f"COPY (SELECT {', '.join(EVENT_FIELDS)}, event_hash FROM {table} ORDER BY global_sequence) TO STDOUT"


def compute_hash(prev_token_hex: str | None, prev_global_hex: str | None, event: Mapping[str, Any]) -> str:
    """The hash of ``event`` after the device's previous event and the database's previous event
    (their hashes as hex; None for none)."""
    links = [ZERO_HASH if value is None else bytes.fromhex(value) for value in (prev_token_hex, prev_global_hex)]
    if any(len(link) != 32 for link in links):
        raise ValueError(f"not a SHA-256 hex digest: {prev_token_hex!r} / {prev_global_hex!r}")
    return _digest(links[0], links[1], canonical_bytes(event)).hex()


def _digest(token_link: bytes, global_link: bytes, body: bytes) -> bytes:
    """The hash of a canonical line ``body`` after the two links: ``v4``, or ``v3`` for a line
    without ``recorded_at`` (over the line without that field)."""
    if body.endswith(_V3_TAIL):
        return _sha256(HASH_PREFIX_V3 + token_link + global_link + body[:-3]).digest()
    return _sha256(HASH_PREFIX + token_link + global_link + body).digest()


def event_line(event: Mapping[str, Any], event_hash: str) -> bytes:
    """The ``COPY`` line of a stored event: canonical line, TAB, hash, newline."""
    return canonical_bytes(event) + f"\t{event_hash}\n".encode()


class ChainWriter:
    """Chains events in memory (test data, benchmarks) as the model does in the database: each
    device's last (sequence, hash) in ``tokens``, the chain's in ``head_count`` and ``head_hash``."""

    def __init__(self, head_hash: str | None = None, head_count: int = 0) -> None:
        self.head_hash, self.head_count = head_hash, head_count
        self.tokens: dict[int, tuple[int, str]] = {}

    def next_sequences(self, token_id: int) -> tuple[int, int]:
        """(sequence, global_sequence) the next event of ``token_id`` must carry."""
        last = self.tokens.get(token_id)
        return (last[0] + 1 if last else 1), self.head_count + 1

    def append(self, event: Mapping[str, Any]) -> str:
        """Chain ``event``, which must carry the next numbers, and return its hash."""
        token_id = event["token_id"]
        sequence, global_sequence = self.next_sequences(token_id)
        if (event["sequence"], event["global_sequence"]) != (sequence, global_sequence):
            raise ValueError(
                f"token {token_id}: expected sequence {sequence} / global_sequence {global_sequence}, "
                f"got {event['sequence']} / {event['global_sequence']}"
            )
        last = self.tokens.get(token_id)
        event_hash = compute_hash(last and last[1], self.head_hash, event)
        self.tokens[token_id] = (sequence, event_hash)
        self.head_hash, self.head_count = event_hash, global_sequence
        return event_hash


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class Break:
    """One finding, at the event (device, its sequence, global sequence) where it was found: None
    for what it does not concern; for missing history, the first event missing."""

    kind: str
    token_id: int | None
    sequence: int | None
    global_sequence: int | None
    detail: str = ""

    def __str__(self) -> str:
        parts = [("device", self.token_id), ("event", self.sequence), ("global", self.global_sequence)]
        where = ", ".join(f"{name} {value}" for name, value in parts if value is not None)
        return f"{self.kind}{f' at {where}' if where else ''}: {self.detail}"


def _order(brk: Break) -> tuple[bool, int, int]:
    return brk.global_sequence is None, brk.global_sequence or 0, brk.token_id or 0


@dataclass
class Report:
    """What a verification found: ``breaks`` in global order, those without a number last."""

    events_checked: int = 0
    tokens_checked: int = 0
    breaks: list[Break] = field(default_factory=list)
    last_global_sequence: int = 0  # of the chain's last line: where an anchor is taken
    last_global_hash: str | None = None
    elapsed_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def events_per_second(self) -> float:
        return self.events_checked / self.elapsed_seconds if self.elapsed_seconds > 0 else 0.0

    def first_break_by_token(self) -> dict[int | None, Break]:
        """The first break of each device, in chain order (key None: breaks of no device)."""
        first: dict[int | None, Break] = {}
        for brk in sorted(self.breaks, key=_order):
            first.setdefault(brk.token_id, brk)
        return first

    def summary(self) -> str:
        text = f"{self.events_checked} custody events of {self.tokens_checked} devices verified"
        if self.ok:
            return f"{text}, no break"
        kinds = [brk.kind for brk in self.breaks]
        counts = ", ".join(f"{kinds.count(kind)} {kind}" for kind in dict.fromkeys(kinds))
        return f"{text}: {len(kinds)} break(s) ({counts}); the first: {min(self.breaks, key=_order)}"


class _Row(NamedTuple):
    """A ``COPY`` line taken apart (only the lines that need a closer look are)."""

    token_id: int
    sequence: int
    global_sequence: int
    body: bytes  # the canonical line
    stored: str  # the stored hash, as text


def _parse(line: bytes) -> _Row:
    """Take a line apart; ``ValueError`` saying why it cannot be."""
    if not isinstance(line, bytes) or not line.endswith(b"\n"):
        raise ValueError("not a line of COPY output")
    body, _tab, stored = line[:-1].rpartition(b"\t")
    fields = body.split(b"\t")
    if len(fields) != len(EVENT_FIELDS):
        raise ValueError(f"{len(fields) + 1} fields instead of {len(EVENT_FIELDS) + 1}")
    try:
        sequence, global_sequence, token_id = map(int, fields[:3])
    except ValueError:
        raise ValueError("its sequence, global sequence or device is not a number") from None
    return _Row(token_id, sequence, global_sequence, body, stored.decode("ascii", "replace"))


def _row(line: Any) -> _Row | None:
    try:
        return _parse(line)
    except ValueError:
        return None


def _number(line: Any, index: int) -> int | None:
    """Field ``index`` of a line as a number, None if it is not one (unreadable rows too)."""
    try:
        return int(line.split(b"\t", index + 1)[index])
    except (AttributeError, IndexError, TypeError, ValueError):
        return None


def _stored_hash(line: Any) -> bytes | None:
    """The raw stored hash of a line, None if it is not 64 hex digits where ``COPY`` prints it."""
    try:
        return unhexlify(line[-65:-1]) if line[-66:-65] == b"\t" and line[-1:] == b"\n" else None
    except (TypeError, ValueError):
        return None


class Verifier:
    """Verifies the chain from the ``COPY`` lines written into it in global order: a file-like for
    ``cursor.copy_expert`` (its ``write`` is a file's, not Odoo's).  :meth:`finish` judges the
    lines that failed and returns the report."""

    def __init__(self) -> None:
        self._started = time.perf_counter()
        self._count = 0
        self._last: list[bytes | None] = []  # device id -> its last line so far (ids below _NEAR)
        self._far: dict[int, bytes] = {}  # the same for the other ids
        self._link = ZERO_HASH  # what the next line chains on globally: the previous stored hash
        self._previous: bytes | None = None  # the previous line
        self._failed: list[tuple[bytes, bytes | None, bytes | None]] = []  # (line, device's previous, previous)

    def write(self, line: bytes) -> None:  # pylint: disable=method-required-super
        """Check one ``COPY`` line (bytes ending in a newline)."""
        self._count += 1
        try:
            body = line[:-_TAIL]
            token_id = int(body.split(b"\t", 3)[2])
            before = self._last[token_id]
            token_link = ZERO_HASH if before is None else unhexlify(before[-65:-1])
        except (IndexError, TypeError, ValueError):  # a device new to the list, or far; or not a row
            self._check(line)
            return
        if body[-3:] == _V3_TAIL:  # (an event chained before recorded_at existed: see _digest)
            digest = _sha256(HASH_PREFIX_V3 + token_link + self._link + body[:-3]).digest()
        else:
            digest = _sha256(HASH_PREFIX + token_link + self._link + body).digest()
        if hexlify(digest) == line[-65:-1] and token_id >= 0:
            self._last[token_id] = self._previous = line
            self._link = digest
        else:
            self._check(line)

    def _check(self, line: bytes) -> None:
        """The same check, step by step, for what :meth:`write` left; a line that fails is
        recorded with what it chained on."""
        row, before, token_link = _row(line), None, None
        if row:
            before = self._line_of(row.token_id)
            token_link = ZERO_HASH if before is None else _stored_hash(before)
        if token_link is None or _digest(token_link, self._link, row.body).hex() != row.stored:
            self._failed.append((line, before, self._previous))
        if row and 0 <= row.token_id < _NEAR:
            if row.token_id >= len(self._last):  # doubling, so that few new devices come this way
                self._last += [None] * (min(_NEAR, max(row.token_id + 1, 2 * len(self._last))) - len(self._last))
            self._last[row.token_id] = line
        elif row:
            self._far[row.token_id] = line
        self._link = _stored_hash(line) or b""  # nothing chains on a hash that is not one
        self._previous = line

    def _line_of(self, token_id: int) -> bytes | None:
        """The last line of a device so far."""
        return self._last[token_id] if 0 <= token_id < len(self._last) else self._far.get(token_id)

    def _ends(self) -> list[tuple[int, bytes]]:
        """(device, its last line) for each device in the chain."""
        return [(token_id, line) for token_id, line in enumerate(self._last) if line] + list(self._far.items())

    def finish(self, devices: Devices | None = None, head: Head | None = None) -> Report:
        """Judge the lines that failed, compare the chain's ends with the device records and the
        head when given, and return the report."""
        tokens = len(self._last) - sum(1 for line in self._last if line is None) + len(self._far)
        breaks = _Judge(self, tokens).run(devices, head)
        stored, last = _stored_hash(self._previous), _number(self._previous, 1) or 0
        elapsed = time.perf_counter() - self._started
        return Report(self._count, tokens, breaks, last, stored and stored.hex(), elapsed)


_HEAD = "the head"


def _successor(successor: Any, chain: str) -> str:
    if isinstance(successor, bytes):
        return f"the next event of {chain} (global {_number(successor, 1)})"
    return _HEAD if successor == _HEAD else "the device record"


class _Judge:
    """Names the breaks after the pass.  Each break is kept with what a ``replaced`` event before
    it would explain: its line for a hash failure, ``("record", device)`` for a device record,
    ``_HEAD`` for the head; an event whose device successor and global successor both failed to
    chain on it is named ``replaced``, and those two breaks are dropped."""

    def __init__(self, verifier: Verifier, tokens: int) -> None:
        self.verifier, self.tokens = verifier, tokens
        self.failed = {line for line, _before, _previous in verifier._failed}
        self.found: list[tuple[Any, Break]] = []
        self.computed: dict[bytes, bytes] = {}  # failed line -> the hash computed for it
        self.device_successor: dict[bytes, Any] = {}  # line -> its device successor, failing to chain on it
        self.global_successor: dict[bytes, Any] = {}  # line -> its global successor, failing to chain on it

    def add(self, kind: str, row: _Row, detail: str, key: Any = None) -> None:
        self.found.append((key, Break(kind, row.token_id, row.sequence, row.global_sequence, detail)))

    def links(self, line: bytes | None) -> list[bytes]:
        """What the successors of ``line`` may chain on: the hash computed for it if it failed
        (its stored hash may have been overwritten), and its stored hash."""
        if line is None:
            return [ZERO_HASH]
        return [value for value in (self.computed.get(line), _stored_hash(line)) if value is not None]

    def agrees(self, line: bytes, recorded_hash: str | None) -> bool:
        """Whether a record holds the stored or the computed hash of ``line``."""
        return (recorded_hash or "").lower() in {value.hex() for value in self.links(line)}

    def run(self, devices: Devices | None, head: Head | None) -> list[Break]:
        for failure in self.verifier._failed:
            self.judge(*failure)
        if devices is not None:
            self.check_devices(devices)
        if head is not None:
            self.check_head(*head)
        explained = set()
        for line, device_successor in self.device_successor.items():
            global_successor = self.global_successor.get(line)
            if global_successor is not None and line not in self.failed:
                explained |= {device_successor, global_successor}
                row = _parse(line)
                successors = (
                    f"{_successor(device_successor, 'the device')} and {_successor(global_successor, 'the chain')}"
                )
                detail = f"the event verifies, but {successors} were chained on another hash"
                self.add(REPLACED, row, f"{detail}: it was replaced by one hashed anew (its hash is {row.stored})")
        return sorted((brk for key, brk in self.found if key is None or key not in explained), key=_order)

    def judge(self, line: bytes, before: bytes | None, previous: bytes | None) -> None:
        """Judge a failed line; ``before``: the device's line before it."""
        try:
            row = _parse(line)
        except ValueError as exc:
            numbers = (_number(line, 2), _number(line, 0), _number(line, 1))
            self.found.append((None, Break(UNREADABLE, *numbers, f"{exc}: {line[:100]!r}")))
            return
        token_links, global_links = self.links(before), self.links(previous)
        for token_link in token_links:
            for global_link in global_links:
                if _digest(token_link, global_link, row.body).hex() == row.stored:
                    return  # it chains on a hash overwritten before it, reported there
        gap = self.gaps(row, before, previous)
        if not token_links or not global_links:
            return  # it chains on a row without a hash, which is reported
        computed = self.computed[line] = _digest(token_links[0], global_links[0], row.body)
        if gap:
            return
        detail = f"stored {row.stored!r}, computed {computed.hex()}"
        if before is not None and before is previous:
            if before not in self.failed:
                detail += f"; or event {_number(before, 1)} before it was replaced by one hashed anew"
        else:
            if before is not None:
                self.device_successor.setdefault(before, line)
            if previous is not None:
                self.global_successor.setdefault(previous, line)
        self.add(ALTERED, row, detail, key=line)

    def gaps(self, row: _Row, before: bytes | None, previous: bytes | None) -> bool:
        """Whether the line's numbers do not follow its device's line before it and the line
        before it (what an unreadable row held is not known); names each gap."""
        device_row, global_row = _row(before), _row(previous)
        expected = device_row.sequence + 1 if device_row else 1
        expected_global = global_row.global_sequence + 1 if global_row else 1
        found = len(self.found)
        if (before is None or device_row) and row.sequence != expected:
            self.add(SEQUENCE_GAP, row, f"expected sequence {expected} of the device, found {row.sequence}")
        if (previous is None or global_row) and row.global_sequence != expected_global:
            detail = f"expected global sequence {expected_global}, found {row.global_sequence}"
            self.add(GLOBAL_SEQUENCE_GAP, row, detail)
        return len(self.found) > found

    def check_devices(self, devices: Devices) -> None:
        """Each device's last line against its record (the device successor of its last event)."""
        seen = 0
        for token_id, (length, recorded_hash) in devices.items():
            line = self.verifier._line_of(token_id)
            if line is None:
                if length:
                    detail = f"its record says {length} events; the chain has none"
                    self.found.append((None, Break(HISTORY_MISSING, token_id, 1, None, detail)))
                continue
            seen += 1
            if line[-65:-1] == (recorded_hash or "").encode() and line.startswith(b"%d\t" % length):
                continue  # the common case, without taking the line apart
            row = _parse(line)
            if row.sequence < length:
                detail = f"the chain ends at event {row.sequence} of the device, its record says {length}"
                self.found.append((None, Break(HISTORY_MISSING, token_id, row.sequence + 1, None, detail)))
            elif row.sequence > length:
                self.add(DEVICE_MISMATCH, row, f"the chain has {row.sequence} events, the record {length}")
            elif not self.agrees(line, recorded_hash):
                key = self.device_successor[line] = ("record", token_id)
                detail = f"its record's last hash is {recorded_hash!r}, its last event's {row.stored}"
                self.add(DEVICE_MISMATCH, row, detail, key)
        if seen < self.tokens:
            for token_id, line in self.verifier._ends():
                if token_id not in devices:
                    self.add(DEVICE_MISMATCH, _parse(line), "the device has events but no record")

    def check_head(self, count: int, recorded_hash: str | None) -> None:
        """The chain's end against the head (the global successor of the last event)."""
        end = self.verifier._previous
        last = _number(end, 1) or 0
        if last != count:
            what = "newest events deleted" if last < count else "events added outside the head"
            detail = f"the chain ends at global sequence {last}, the head records {count} events ({what})"
            self.found.append((None, Break(HEAD_MISMATCH, None, None, min(last, count) + 1, detail)))
        elif (end is not None or recorded_hash) and not (end is not None and self.agrees(end, recorded_hash)):
            if end is not None:
                self.global_successor[end] = _HEAD
            stored = end and end[-65:-1].decode("ascii", "replace")
            detail = f"the chain's last hash is {stored}, the head records {recorded_hash}"
            self.found.append((_HEAD, Break(HEAD_MISMATCH, None, None, last or None, detail)))


def verify(lines: Iterable[bytes], devices: Devices | None = None, head: Head | None = None) -> Report:
    """Verify the chain from its ``COPY`` lines in global order, against the records and the head."""
    verifier = Verifier()
    for line in lines:
        verifier.write(line)
    return verifier.finish(devices, head)


def verify_cursor(
    cursor: Any, devices: Devices | None = None, head: Head | None = None, table: str = "cks_custody_event"
) -> Report:
    """Verify the chain streamed by ``COPY`` through ``cursor`` (psycopg2's, or Odoo's)."""
    verifier = Verifier()
    cursor.execute(SESSION_SQL)
    cursor.copy_expert(copy_sql(table), verifier)
    return verifier.finish(devices, head)


# --------------------------------------------------------------------------- anchors

_ANCHOR_FORM = "CKS-ANCHOR 1 <event number> <hash> <time, UTC>"


@dataclass(frozen=True)
class Anchor:
    """The hash the chain had at one event (global sequence), and when it was taken (naive UTC):
    kept outside the database, on paper or in a message."""

    global_sequence: int
    event_hash: str
    taken_at: dt.datetime


def format_anchor(anchor: Anchor) -> str:
    """One line of ASCII: tag, version, event number, hash, time to the second, e.g.
    ``CKS-ANCHOR 1 1000000 9f86d081...b0f00a08 2026-11-23T10:15:00Z``."""
    when = _utc_instant(anchor.taken_at)
    text = f"CKS-ANCHOR 1 {anchor.global_sequence} {anchor.event_hash.lower()} {when:%Y-%m-%dT%H:%M:%S}Z"
    parse_anchors(text)  # raises if it would not read back
    return text


def parse_anchors(text: str) -> list[Anchor]:
    """The anchors of ``text``, one a line (blank lines ignored; spaces around and between the
    words and the letter case do not matter); ``ValueError`` naming the line and the fault."""
    anchors = []
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        fault = None
        if len(words) != 5 or words[0].upper() != "CKS-ANCHOR":
            fault = f"an anchor reads '{_ANCHOR_FORM}', not {line.strip()[:80]!r}"
        elif words[1] != "1":
            fault = f"anchor version {words[1]!r} is unknown (this program reads version 1)"
        elif not (words[2].isascii() and words[2].isdigit() and int(words[2]) > 0):
            fault = f"the event number must be a whole number from 1 on, not {words[2]!r}"
        elif len(words[3]) != 64 or not all(char in "0123456789abcdefABCDEF" for char in words[3]):
            fault = f"the hash must be 64 hexadecimal digits (0-9, a-f), not {words[3]!r}"
        else:
            try:
                anchors.append(
                    Anchor(
                        int(words[2]), words[3].lower(), dt.datetime.strptime(words[4].upper(), "%Y-%m-%dT%H:%M:%SZ")
                    )
                )
            except ValueError:
                fault = f"the time must read like 2026-11-23T10:15:00Z, not {words[4]!r}"
        if fault:
            raise ValueError(f"line {number}: {fault}")
    if not anchors:
        raise ValueError(f"no anchor: an anchor reads '{_ANCHOR_FORM}'")
    return anchors


def check_anchors(anchors: Iterable[Anchor], hash_at: Mapping[int, str | None]) -> list[Break]:
    """An ``anchor_mismatch`` for each anchor the chain does not match (``hash_at``: global
    sequence -> stored hash), naming the last anchor before it that matches."""
    breaks, good = [], None  # good: the last matching anchor so far
    for anchor in sorted(anchors, key=lambda anchor: anchor.global_sequence):
        number, stored = anchor.global_sequence, hash_at.get(anchor.global_sequence)
        if stored is not None and stored.lower() == anchor.event_hash.lower():
            good = anchor
            continue
        found = f"the chain has {stored}" if stored is not None else "the chain has no such event"
        since = f"after event {good.global_sequence}, whose anchor matches" if good else "no anchor before it matches"
        detail = (
            f"the anchor taken {anchor.taken_at:%Y-%m-%d %H:%M:%S} UTC says event {number} has hash "
            f"{anchor.event_hash}; {found}: the chain was rewritten at or before event {number}, {since}"
        )
        breaks.append(Break(ANCHOR_MISMATCH, None, None, number, detail))
    return breaks


# --------------------------------------------------------------------------- test data

_PLACES = (None, "Văn phòng UBND tỉnh", "Phòng Hành chính - Tổ chức, Sở Thông tin và Truyền thông", "UBND xã Thạch Hà")
_REASONS = (None, "Bàn giao theo biên bản Mẫu 14", "Kiểm kê định kỳ 6 tháng", "Mất thiết bị, đã lập biên bản Mẫu 15")
_TYPES = ("received", "issued", "assigned", "handover", "lost", "recovered", "returned", "stocktake", "location")


def synthetic_events(n: int, tokens: int | None = None, seed: int = 19) -> list[dict[str, Any]]:
    """``n`` plausible custody events spread at random over ``tokens`` devices (n // 10)."""
    rng = random.Random(seed)
    tokens = max(1, tokens if tokens is not None else n // 10)
    last_seq: dict[int, int] = {}
    events = []
    for gseq in range(1, n + 1):
        token_id = rng.randrange(1, tokens + 1)
        seq = last_seq[token_id] = last_seq.get(token_id, 0) + 1
        handover = seq > 1 and rng.random() < 0.6
        when = dt.datetime(2024, 1, 1, 1, 2, 3) + dt.timedelta(seconds=gseq * 97, microseconds=rng.randrange(10**6))
        events.append(
            {
                "sequence": seq,
                "global_sequence": gseq,
                "token_id": token_id,
                "token_serial": f"54010101{token_id:08X}",
                "event_type": "received" if seq == 1 else ("handover" if handover else rng.choice(_TYPES)),
                "state_from": None if seq == 1 else "assigned",
                "state_to": "in_stock" if seq == 1 else "assigned",
                "actor_id": rng.randrange(2, 60),
                "custodian_from_id": rng.randrange(1, 20_000) if handover else None,
                "custodian_to_id": rng.randrange(1, 20_000) if seq > 1 else None,
                "body_id": rng.randrange(1, 800),
                "location": rng.choice(_PLACES),
                "occurred_at": when,
                "reason": rng.choice(_REASONS),
                "document_ref": f"{rng.randrange(1, 400)}/BB-BG" if handover else None,
                "recorded_at": when.replace(microsecond=0),
            }
        )
    return events


def chain_lines(events: Iterable[Mapping[str, Any]]) -> list[bytes]:
    """Chain ``events`` with a fresh :class:`ChainWriter`; their ``COPY`` lines, for :func:`verify`."""
    writer = ChainWriter()
    return [event_line(event, writer.append(event)) for event in events]
