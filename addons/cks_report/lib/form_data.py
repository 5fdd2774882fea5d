"""What a printed form says, assembled without Odoo: its dates in the administrative style, the
digest of its content and the verification reference its QR code carries.

Nghị định 30/2020/NĐ-CP, Phụ lục I: the place and date read "Hà Tĩnh, ngày 05 tháng 02 năm 2026"
(a zero before a day below 10 and before the months 1 and 2); the document's number reads
"Số: 12/BB-BG".

The reference of a print (``CKS1|<model>|<id>|<sha256>|<anchor>``) names the record, the SHA-256
of the form's content (its canonical JSON: what the form prints, in a fixed order) and the
custody chain's anchor of the moment. It reveals nothing secret: a digest, a record number and
the anchor, which is printed anyway. The print's QR code carries the address of the public check
page with the reference (``<base URL>/cks/verify?ref=<reference, URL-encoded>``); the page
resolves it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import re
from urllib.parse import parse_qs, quote, urlsplit

import qrcode

REFERENCE_VERSION = "CKS1"
# model, record id, SHA-256 (lowercase hex), anchor ("-" or "<event no.>:<hash>")
_REFERENCE = re.compile(
    re.escape(REFERENCE_VERSION)
    + r"\|([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*)\|([0-9]{1,18})\|([0-9a-f]{64})\|(-|[0-9]{1,18}:[0-9a-f]{1,128})"
)
# the public check page, under the server's base URL
VERIFY_PATH = "/cks/verify"
# the longest text the check page reads (a reference, or the address a QR reader gives); a reference
# is under 300 characters
INPUT_MAX_LENGTH = 2000

# The fixed words of every administrative document (NĐ 30/2020, Phụ lục I), printed in Vietnamese
# whatever the reader's language: they are the law's, not the interface's.
LEGAL_WORDS = {
    "classified": "MẬT",
    "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "motto": "Độc lập - Tự do - Hạnh phúc",
    "number": "Số:",
    "to": "Kính gửi:",
    "distribution": "Nơi nhận:",
    "sign": "(Ký, ghi rõ họ tên)",
    "name": "Họ và tên:",
    "position": "Chức vụ:",
    "body": "Cơ quan, đơn vị:",
}


def admin_date(day: dt.date) -> str:
    """ "ngày 05 tháng 02 năm 2026" (NĐ 30/2020, Phụ lục I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_and_date(place: str, day: dt.date) -> str:
    """ "Hà Tĩnh, ngày 05 tháng 02 năm 2026"."""
    return f"{place}, {admin_date(day)}" if place else admin_date(day)


def canonical(content: dict) -> bytes:
    """The content as canonical JSON: keys sorted, no spaces, UTF-8, dates as ISO text."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def digest(content: dict) -> str:
    """SHA-256 (hex) of the form's canonical content."""
    return hashlib.sha256(canonical(content)).hexdigest()


def reference(model: str, res_id: int, content_digest: str, anchor: str | None) -> str:
    """The verification reference a print carries in its QR code."""
    return "|".join((REFERENCE_VERSION, model, str(res_id), content_digest, anchor or "-"))


def parse_reference(text: str) -> dict:
    """The parts of a reference; ValueError when it is not one."""
    match = _REFERENCE.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ValueError("not a CKS print reference")
    model, res_id, content_digest, anchor = match.groups()
    return {
        "model": model,
        "res_id": int(res_id),
        "digest": content_digest,
        "anchor": None if anchor == "-" else anchor,
    }


def verify_url(base_url: str, text: str) -> str:
    """The address of the public check page of reference ``text`` (what the QR code carries)."""
    return f"{base_url.rstrip('/')}{VERIFY_PATH}?ref={quote(text, safe='')}"


def reference_in(text: str) -> str:
    """The reference in what a visitor gave the check page: the reference itself, or the address
    a QR reader opened (its ``ref`` parameter); surrounding spaces dropped."""
    text = (text or "").strip()
    if not text.startswith(REFERENCE_VERSION) and "?" in text:
        try:
            found = parse_qs(urlsplit(text).query).get("ref")
        except ValueError:  # not an address either (e.g. "http://[::1?")
            return text
        if found:
            return found[0].strip()
    return text


def qr_png_base64(text: str) -> str:
    """The QR code of ``text`` as a base64 PNG (for an <img> of the print)."""
    png = io.BytesIO()
    qrcode.make(text, border=2, box_size=4).save(png)
    return base64.b64encode(png.getvalue()).decode()


def fill(text: str, values: dict) -> str:
    """``text`` with each ``{name}`` replaced by ``values[name]`` (a province edits the wording:
    a placeholder it does not know stays as written, nothing else is evaluated)."""
    out, index = [], 0
    while (start := text.find("{", index)) != -1:
        end = text.find("}", start)
        if end == -1:
            break
        name = text[start + 1 : end]
        out.append(text[index:start])
        out.append(str(values[name]) if name.isidentifier() and name in values else text[start : end + 1])
        index = end + 1
    out.append(text[index:])
    return "".join(out)


def paragraphs(text: str | None) -> list[str]:
    """The non-empty lines of a template's text, each one paragraph of the print."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# How many rows of a form's table go on its first page and on each later one. Debian's
# wkhtmltopdf (Qt unpatched) does not repeat a table's header on a new page, so a long table is
# cut into one table per page, each with its header; the counts leave room for rows of two or
# three lines (a letter of 500 subscribers is the test).
ROWS_FIRST_PAGE = 8
ROWS_PER_PAGE = 14


def pages(rows: list, first: int = ROWS_FIRST_PAGE, rest: int = ROWS_PER_PAGE) -> list[list]:
    """``rows`` cut into the parts printed page by page (always one part, maybe empty)."""
    parts = [rows[:first]]
    parts += [rows[index : index + rest] for index in range(first, len(rows), rest)]
    return parts
