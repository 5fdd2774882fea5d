"""A paper register of key-storage devices (sổ quản lý thiết bị), read from CSV.

A province does not start with an empty history: before the system, each body kept its devices in
a paper register. Its lines are carried over with the date written in the register; the system
stamps each with the moment it is entered, and both go into the event's hash (see
``custody_chain``). This module only reads and checks the file; the model resolves bodies and
users and chains the events through the devices' own steps.

The file: UTF-8 (a byte-order mark is allowed), comma- or semicolon-separated, one header line with
these columns (in any order; the Vietnamese names are accepted too)::

    serial        so_seri        the device's serial number (required)
    date          ngay           when it happened, DD/MM/YYYY or YYYY-MM-DD (required)
    step          buoc           what happened, one of STEPS (required)
    body          co_quan        code of the managing body (the step "issue")
    custodian     nguoi_giu      login of the person in charge (the steps "assign" and "handover")
    location      noi_cat_giu    storage location
    document      so_van_ban     number of the paper record or decision, e.g. "14/BB-STTTT"
    reason        ly_do          what the register says
    type          loai           usb, sim or other (the first line of a device; default usb)
    model         chung_loai     make and model (the first line of a device)
    certificate   chung_thu      serial number of a certificate the device holds from this line on

A device's first line is ``received``: the register brings in devices the system does not know
yet, with their history up to the day it is entered. Pure Python, standard library only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

STEPS = (
    "received",
    "issue",
    "assign",
    "handover",
    "lock",
    "report_lost",
    "report_damaged",
    "report_compromised",
    "recover",
    "return_focal",
    "return_ca",
    "relocate",
    "stocktake",
)
TYPES = ("usb", "sim", "other")
COLUMNS = {
    "serial": ("serial", "so_seri"),
    "date": ("date", "ngay"),
    "step": ("step", "buoc"),
    "body": ("body", "co_quan"),
    "custodian": ("custodian", "nguoi_giu"),
    "location": ("location", "noi_cat_giu"),
    "document": ("document", "so_van_ban"),
    "reason": ("reason", "ly_do"),
    "type": ("type", "loai"),
    "model": ("model", "chung_loai"),
    "certificate": ("certificate", "chung_thu"),
}
REQUIRED = ("serial", "date", "step")
MAX_LINES = 20_000
EARLIEST = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class RegisterLine:
    """One line of the register, checked; ``number``: its line in the file (the header is 1)."""

    number: int
    serial: str
    date: dt.date
    step: str
    body: str = ""
    custodian: str = ""
    location: str = ""
    document: str = ""
    reason: str = ""
    token_type: str = "usb"
    model: str = ""
    certificate: str = ""


@dataclass(frozen=True)
class Problem:
    """What is wrong at one line (0: the whole file): a ``code`` of :data:`PROBLEMS` and its values,
    so that the caller words it in the user's language."""

    number: int
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        text = PROBLEMS[self.code] % dict(self.params)
        return f"line {self.number}: {text}" if self.number else text


#: Each problem in English; the model has the same in the user's language.
PROBLEMS = {
    "not_utf8": "the file is not UTF-8 text: save it from the spreadsheet as CSV UTF-8",
    "empty": "the file is empty",
    "no_lines": "the file has a header but no line",
    "too_many": "%(count)s lines: import at most %(limit)s at a time",
    "unknown_column": "unknown column %(name)s (the columns are: %(known)s)",
    "duplicate_column": "column %(name)s appears twice",
    "missing_columns": "the column(s) %(names)s are required",
    "missing_value": "the %(name)s is missing",
    "bad_date": "%(value)s is not a date (write it as DD/MM/YYYY)",
    "future": "%(date)s is in the future",
    "too_old": "%(date)s is before %(year)s",
    "unknown_step": "unknown step %(value)s (the steps are: %(known)s)",
    "first_not_received": "the first line of device %(serial)s must be the step 'received'",
    "received_twice": "device %(serial)s is received twice",
    "out_of_order": "device %(serial)s: %(date)s is before its line %(line)s",
    "needs_body": "the step 'issue' needs the body's code",
    "needs_custodian": "the step %(step)s needs the custodian's login",
    "needs_location": "the step 'relocate' needs the new location",
    "unknown_type": "unknown device type %(value)s (usb, sim or other)",
}


class RegisterError(ValueError):
    """What is wrong with the file: ``problems``, every one found, line by line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(map(str, problems)))


class _Fault(ValueError):
    def __init__(self, code: str, **params: object) -> None:
        self.code, self.params = code, tuple((key, str(value)) for key, value in params.items())
        super().__init__(code)


def parse_date(text: str) -> dt.date:
    """A register date: ``DD/MM/YYYY`` (as written in Vietnam), ``D/M/YYYY`` or ``YYYY-MM-DD``."""
    text = text.strip()
    for form in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise _Fault("bad_date", value=repr(text))


def _file_error(code: str, **params: object) -> RegisterError:
    fault = _Fault(code, **params)
    return RegisterError(
        [Problem(0 if code in ("not_utf8", "empty", "no_lines", "too_many") else 1, code, fault.params)]
    )


def _header(names: list[str]) -> dict[str, int]:
    aliases = {alias: key for key, keys in COLUMNS.items() for alias in keys}
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        key = aliases.get(name.strip().lower().replace(" ", "_"))
        if key is None:
            known = ", ".join(keys[0] for keys in COLUMNS.values())
            raise _file_error("unknown_column", name=repr(name.strip()), known=known)
        if key in index:
            raise _file_error("duplicate_column", name=repr(name.strip()))
        index[key] = position
    missing = [key for key in REQUIRED if key not in index]
    if missing:
        raise _file_error("missing_columns", names=", ".join(missing))
    return index


def parse(data: bytes | str, today: dt.date) -> list[RegisterLine]:
    """The register's lines, in file order, every one checked; :class:`RegisterError` listing every
    problem found (nothing is half-read).  ``today``: no line may be dated later."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _file_error("not_utf8") from None
    data = data.lstrip("\ufeff")
    if not data.strip():
        raise _file_error("empty")
    first = data.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(data), delimiter=delimiter))
    index = _header(rows[0])
    if len(rows) - 1 > MAX_LINES:
        raise _file_error("too_many", count=len(rows) - 1, limit=MAX_LINES)
    lines, problems = [], []
    seen: dict[str, RegisterLine] = {}  # serial -> its last line so far
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {key: (row[i].strip() if i < len(row) else "") for key, i in index.items()}
        try:
            line = _line(number, values, today, seen.get(values["serial"]))
        except _Fault as fault:
            problems.append(Problem(number, fault.code, fault.params))
            continue
        seen[line.serial] = line
        lines.append(line)
    if problems:
        raise RegisterError(problems)
    if not lines:
        raise _file_error("no_lines")
    return lines


def _line(number: int, values: dict[str, str], today: dt.date, before: RegisterLine | None) -> RegisterLine:
    for key in REQUIRED:
        if not values[key]:
            raise _Fault("missing_value", name=key)
    when = parse_date(values["date"])
    if when > today:
        raise _Fault("future", date=f"{when:%d/%m/%Y}")
    if when < EARLIEST:
        raise _Fault("too_old", date=f"{when:%d/%m/%Y}", year=f"{EARLIEST:%Y}")
    step = values["step"].lower()
    serial = values["serial"]
    if step not in STEPS:
        raise _Fault("unknown_step", value=repr(values["step"]), known=", ".join(STEPS))
    if before is None and step != "received":
        raise _Fault("first_not_received", serial=serial)
    if before is not None and step == "received":
        raise _Fault("received_twice", serial=serial)
    if before is not None and when < before.date:
        raise _Fault("out_of_order", serial=serial, date=f"{when:%d/%m/%Y}", line=before.number)
    if step == "issue" and not values.get("body"):
        raise _Fault("needs_body")
    if step in ("assign", "handover") and not values.get("custodian"):
        raise _Fault("needs_custodian", step=repr(step))
    if step == "relocate" and not values.get("location"):
        raise _Fault("needs_location")
    token_type = (values.get("type") or "usb").lower()
    if token_type not in TYPES:
        raise _Fault("unknown_type", value=repr(values["type"]))
    return RegisterLine(
        number=number,
        serial=values["serial"],
        date=when,
        step=step,
        body=values.get("body", ""),
        custodian=values.get("custodian", ""),
        location=values.get("location", ""),
        document=values.get("document", ""),
        reason=values.get("reason", ""),
        token_type=token_type,
        model=values.get("model", ""),
        certificate=values.get("certificate", "").upper(),
    )
