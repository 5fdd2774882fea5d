"""PAdES signatures on PDF forms with pyHanko, the key staying on its PKCS#11 token.

Plain Python, importable without Odoo.

- ``TokenSigner``: a pyHanko ``Signer`` whose raw signature comes from a ``SigningSession`` of
  the connector (pyHanko's own PKCS#11 signer needs python-pkcs11; this one uses PyKCS11).
- ``sign_pdf``: one signature as an incremental update (earlier signatures stay valid), PAdES
  baseline B-B, or B-T with a timestamp authority; a visible appearance in the manner of Nghị
  định 30/2020/NĐ-CP, Phụ lục I: an individual's name, position and body with the time
  ``hh:mm:ss dd/mm/yyyy +07:00``; an organisation's name and the time over its seal image.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import itertools
import re
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from asn1crypto import algos, cms
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfReader
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from . import pkcs11_connector as pk

PROVINCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# DejaVu Serif: every Vietnamese letter drawn. Liberation Serif builds its letters with two
# diacritics (ư, ở, ễ, Ẩ...) as composite glyphs, which pyHanko 0.38's subset leaves blank.
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
FONT_SIZE = 9
INDIVIDUAL = "individual"
ORGANIZATION = "organization"
# pyHanko's names of the signature algorithms of the connector's mechanisms
_ALGORITHMS = {
    pk.RSA_PKCS1V15_SHA256: {"algorithm": "sha256_rsa"},
    pk.RSA_PSS_SHA256: {
        "algorithm": "rsassa_pss",
        "parameters": {
            "hash_algorithm": {"algorithm": "sha256"},
            "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": "sha256"}},
            "salt_length": 32,
        },
    },
    pk.ECDSA_SHA256: {"algorithm": "sha256_ecdsa"},
}


class TokenSigner(Signer):
    """Signs with a key on a token, through an open ``SigningSession`` of the connector."""

    def __init__(self, session, key, *, chain=(), mechanism=None):
        mechanism = mechanism or (pk.ECDSA_SHA256 if key.key_type == "ec" else pk.RSA_PKCS1V15_SHA256)
        certificate = _asn1(key.certificate)
        super().__init__(
            signing_cert=certificate,
            cert_registry=SimpleCertificateStore.from_certs([certificate, *(_asn1(cert) for cert in chain)]),
            signature_mechanism=algos.SignedDigestAlgorithm(_ALGORITHMS[mechanism]),
        )
        self.session = session
        self.key = key
        self.mechanism = mechanism

    async def async_sign_raw(self, data, digest_algorithm, dry_run=False):
        if digest_algorithm != "sha256":
            raise pk.MechanismUnsupported(f"Only SHA-256 is signed with a token, not {digest_algorithm}.")
        if dry_run:  # pyHanko sizes the signature's placeholder first: no token needed
            return bytes(self.key.size)
        return self.session.sign(self.key, data, self.mechanism)


def _asn1(certificate):
    """A ``cryptography`` certificate as pyHanko's asn1crypto wants it."""
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


@dataclasses.dataclass(frozen=True)
class Appearance:
    """What the visible signature shows (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""

    kind: str  # INDIVIDUAL or ORGANIZATION
    name: str  # the signer, or the organisation
    signed_at: dt.datetime  # aware
    title: str = ""  # an individual's position
    body: str = ""  # an individual's body
    image: bytes | None = None  # a handwritten signature (individual) or the seal (organisation), PNG/JPEG

    def lines(self):
        moment = self.signed_at.astimezone(PROVINCE_TZ)
        when = moment.strftime("%H:%M:%S %d/%m/%Y ") + moment.strftime("%z")[:3] + ":" + moment.strftime("%z")[3:]
        if self.kind == ORGANIZATION:
            return [f"Ký bởi: {self.name}", f"Thời gian ký: {when}"]
        lines = [f"Người ký: {self.name}"]
        if self.title:
            lines.append(f"Chức vụ: {self.title}")
        if self.body:
            lines.append(f"Cơ quan: {self.body}")
        lines.append(f"Thời gian ký: {when}")
        return lines


# What a stamp draws: Latin letters with the Vietnamese ones (Latin-1; Ă Đ Ĩ Ũ Ơ Ư and their small
# letters; the tone marks, combining, and U+1EA0-1EF9), punctuation, the đồng and № signs.
STAMP_CHARACTERS = (
    (0x20, 0x7E),
    (0xA0, 0xFF),
    (0x102, 0x103),
    (0x110, 0x111),
    (0x128, 0x129),
    (0x168, 0x169),
    (0x1A0, 0x1A1),
    (0x1AF, 0x1B0),
    (0x300, 0x303),
    (0x309, 0x309),
    (0x323, 0x323),
    (0x1EA0, 0x1EF9),
    (0x2010, 0x2027),
    (0x2030, 0x203A),
    (0x20AB, 0x20AC),
    (0x2116, 0x2116),
)


@functools.cache
def stamp_font(path=FONT):
    """The font file with every Vietnamese glyph, rescaled to 1000 units per em: pyHanko 0.38
    writes the glyph widths of a 2048-unit font unscaled, and the text comes out twice as wide
    and clipped (PLATFORM.md). Made once per process, in a temporary file.

    Cut to the glyphs of STAMP_CHARACTERS, without hinting and without the OpenType layout tables
    (pyHanko drops those from what it embeds anyway; HarfBuzz then composes decomposed
    Vietnamese letters from the font's precomposed ones, without kerning): pyHanko parses, cuts
    and embeds the font again for every signature, and the whole DejaVu Serif cost about 70 ms
    of CPU a signature, this cut about 12 ms (bench/README.md, run-bench-signing.sh)."""
    font = TTFont(path)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    options = subset.Options(layout_features=[], hinting=False, notdef_outline=True, name_IDs=["*"])
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM"]
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=[code for first, last in STAMP_CHARACTERS for code in range(first, last + 1)])
    cutter.subset(font)
    out = Path(tempfile.mkdtemp(prefix="cks-font-")) / "stamp.ttf"
    font.save(out)
    return str(out)


def stamp_style(appearance):
    background = None
    if appearance.image:
        background = PdfImage(_pil_image(appearance.image))
    return TextStampStyle(
        stamp_text="\n".join(line.replace("%", "%%") for line in appearance.lines()),
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(stamp_font(), font_size=FONT_SIZE), font_size=FONT_SIZE
        ),
        background=background,
        background_opacity=0.5 if appearance.kind == ORGANIZATION else 0.35,
        border_width=0,
    )


def _pil_image(data):
    from PIL import Image  # noqa: PLC0415 (Pillow comes with Odoo's requirements)

    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# Each signer's column of a printed form (cks_report.form_footer) reads its title, then
# "(Ký, ghi rõ họ tên)", then the space for the signature (28 mm), then the name.
SIGN_HERE = "(Ký,"
SIGN_HERE_HALF_WIDTH = 35  # points: half the width of "(Ký, ghi rõ họ tên)" in 11 pt italic


def signature_boxes(pdf, width=150, height=56):
    """The signature spaces of the form's last page, left to right, as (x1, y1, x2, y2) boxes
    under each "(Ký, ghi rõ họ tên)"; [] when the page has none (the caller then places it)."""
    page = PdfReader(io.BytesIO(pdf)).pages[-1]
    found = []

    def visit(text, cm, tm, _font, _size):
        if text.lstrip().startswith(SIGN_HERE):
            found.append((cm[0] * tm[4] + cm[2] * tm[5] + cm[4], cm[1] * tm[4] + cm[3] * tm[5] + cm[5]))

    _keep_text_objects_with(page, SIGN_HERE)
    page.extract_text(visitor_text=visit)
    centers = [(x + SIGN_HERE_HALF_WIDTH, y) for x, y in sorted(found)]
    if len(centers) > 1:  # side by side columns: the boxes do not overlap
        width = min(width, min(b[0] - a[0] for a, b in itertools.pairwise(centers)) - 8)
    return [(cx - width / 2, y - 8 - height, cx + width / 2, y - 8) for cx, y in centers]


# A content stream's strings (literal, one level of nested parentheses; hexadecimal), its text
# objects, and a font selection in it.
_STRING = rb"\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)|<[0-9A-Fa-f\s]*>"
_STRINGS = re.compile(_STRING, re.S)
_TEXT_OBJECT = re.compile(rb"\bBT\b((?:" + _STRING + rb"|<<|[^(<])*?)\bET\b", re.S)
_TEXT_STATE = re.compile(rb"\bT[fL]\b")  # the font (name size Tf), the leading (number TL)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _keep_text_objects_with(page, prefix):
    """Leave in ``page`` (in memory) only the text objects whose strings hold ``prefix``, each with
    the transformation, font and leading in force where it stood, and only their fonts: pypdf's
    text extraction then finds the same text at the same place, reading a few objects instead of
    the whole page (``signature_boxes`` of a printed Mẫu 14: ~65 ms of CPU before, ~10 ms so).
    The page is left whole when no text object holds ``prefix`` as decoded here (a font without a
    ToUnicode map of one or two bytes a code, text drawn in a form XObject, a scan)."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources else DictionaryObject()
    fonts = resources.get("/Font")
    fonts = {name.encode(): (name, font) for name, font in (fonts.get_object() if fonts else {}).items()}
    contents = page.get_contents()
    if contents is None:
        return
    data = contents.get_data()
    maps = {}
    ctm, saved, state, start = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), [], {}, 0
    kept, used = [], set()
    for text in _TEXT_OBJECT.finditer(data):
        ctm, state = _graphics_state(data[start : text.start()], ctm, saved, state)
        start = text.end()
        body = text.group(1)
        settings = _text_state(body)
        names = {setting.split()[0] for setting in settings if setting.endswith(b"Tf")}
        if "Tf" in state:
            names.add(state["Tf"].split()[0])
        strings = b"".join(_string_bytes(token) for token in _STRINGS.findall(body))
        for name in names:
            if name not in maps:
                maps[name] = _font_map(fonts[name][1]) if name in fonts else None
        if any(prefix in _decode(strings, maps[name]) for name in names):
            matrix = b" ".join(repr(value).encode() for value in ctm)
            kept.append(b"q %s cm %s BT%sET Q" % (matrix, b" ".join(state.values()), body))
            used.update(name for name in names if name in fonts)
        for setting in settings:
            state[setting.split()[-1].decode()] = setting
    if kept:
        stream = DecodedStreamObject()
        stream.set_data(b"\n".join(kept))
        page[NameObject("/Contents")] = stream
        page[NameObject("/Resources")] = DictionaryObject(
            {**resources, NameObject("/Font"): DictionaryObject(dict(fonts[name] for name in used))}
        )


def _graphics_state(segment, ctm, saved, state):
    """The transformation matrix after a stretch of content outside text objects (q, Q, cm), and
    the font and leading set there."""
    tokens = segment.split()
    for index, token in enumerate(tokens):
        if token == b"q":
            saved.append(ctm)
        elif token == b"Q":
            ctm = saved.pop() if saved else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        elif token == b"cm" and index >= 6:
            try:
                a, b, c, d, e, f = (float(value) for value in tokens[index - 6 : index])
            except ValueError:
                continue
            ctm = (
                a * ctm[0] + b * ctm[2],
                a * ctm[1] + b * ctm[3],
                c * ctm[0] + d * ctm[2],
                c * ctm[1] + d * ctm[3],
                e * ctm[0] + f * ctm[2] + ctm[4],
                e * ctm[1] + f * ctm[3] + ctm[5],
            )
        elif token in (b"Tf", b"TL") and index >= (count := 2 if token == b"Tf" else 1):
            state = {**state, token.decode(): b" ".join(tokens[index - count : index + 1])}
    return ctm, state


def _text_state(body):
    """The font and leading settings of a text object, in order, as "name size Tf", "number TL"."""
    settings = []
    for operator in _TEXT_STATE.finditer(body):
        count = 2 if operator.group() == b"Tf" else 1
        operands = body[max(0, operator.start() - 200) : operator.start()].split()[-count:]
        if len(operands) == count:
            settings.append(b" ".join([*operands, operator.group()]))
    return settings


def _string_bytes(token):
    if token.startswith(b"<"):
        return bytes.fromhex(token[1:-1].decode("ascii"))
    return re.sub(
        rb"\\([0-7]{1,3}|.)",
        lambda m: bytes([int(m[1], 8) & 0xFF]) if m[1][:1].isdigit() else _ESCAPES.get(m[1], m[1]),
        token[1:-1],
        flags=re.S,
    )


def _font_map(font):
    """(code width, {code: text}) of a font's ToUnicode map; None without one (Latin-1 then)."""
    font = font.get_object()
    if "/ToUnicode" not in font:
        return None
    cmap = font["/ToUnicode"].get_object().get_data()
    codes, width = {}, 1
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, target in re.findall(rb"<(\w+)>\s*<(\w+)>\s*(<\w+>|\[[^\]]*\])", block):
            width, first = len(low) // 2, int(low, 16)
            if target.startswith(b"["):
                texts = [_utf16(value) for value in re.findall(rb"<(\w+)>", target)]
            else:
                texts = [chr(int(target[1:-1], 16) + n) for n in range(int(high, 16) - first + 1)]
            codes.update(((first + n).to_bytes(width, "big"), text) for n, text in enumerate(texts))
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, target in re.findall(rb"<(\w+)>\s*<(\w+)>", block):
            width = len(code) // 2
            codes[bytes.fromhex(code.decode("ascii"))] = _utf16(target)
    return width, codes


def _utf16(hexadecimal):
    return bytes.fromhex(hexadecimal.decode("ascii")).decode("utf-16-be", errors="replace")


def _decode(data, font_map):
    if font_map is None:
        return data.decode("cp1252", errors="replace")
    width, codes = font_map
    return "".join(codes.get(data[at : at + width], "") for at in range(0, len(data), width))


def _pdf_signer(signer, *, field_name, appearance, box, page, timestamp_url, reason=None, location=None):
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    return signers.PdfSigner(
        metadata,
        signer=signer,
        timestamper=timestamps.HTTPTimeStamper(timestamp_url) if timestamp_url else None,
        stamp_style=stamp_style(appearance) if appearance and box else None,
        new_field_spec=fields.SigFieldSpec(field_name, on_page=page, box=box) if box else None,
    )


def _writer(pdf, page):
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    if page < 0:
        page = int(writer.root["/Pages"]["/Count"]) + page
    return writer, page


def sign_pdf(
    pdf,
    signer,
    *,
    field_name,
    appearance=None,
    box=None,
    page=-1,
    timestamp_url=None,
    reason=None,
    location=None,
    bytes_reserved=None,
):
    """``pdf`` (bytes) with one more signature, added as an incremental update.

    ``box`` (x1, y1, x2, y2 in points from the page's bottom left) places a visible signature
    showing ``appearance``; without it the signature is invisible. PAdES B-B, or B-T when
    ``timestamp_url`` names an RFC 3161 timestamp authority. ``bytes_reserved``: the size of the
    signature's placeholder (hex digits), else pyHanko estimates it by building the signature
    once without the key (``reserved_size`` reads it back from a signed PDF)."""
    writer, page = _writer(pdf, page)
    pdf_signer = _pdf_signer(
        signer,
        field_name=field_name,
        appearance=appearance,
        box=box,
        page=page,
        timestamp_url=timestamp_url,
        reason=reason,
        location=location,
    )
    return pdf_signer.sign_pdf(writer, bytes_reserved=bytes_reserved).getvalue()


def reserved_size(pdf, field_name):
    """The size of the placeholder (hex digits) of signature ``field_name`` in a signed PDF."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    signature = next(sig for sig in reader.embedded_signatures if sig.field_name == field_name)
    return 2 * len(signature.sig_object["/Contents"])


# ---------------------------------------------------------------------------------- interrupted
@dataclasses.dataclass(frozen=True)
class PreparedSignature:
    """A signature prepared for a signer elsewhere (the signing agent on the signer's computer):
    the PDF with its signature field and a placeholder, the digest of its byte range, and the
    CMS signed attributes whose DER the signer's key signs. Plain values: kept between requests."""

    pdf: bytes
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    signed_attributes: bytes

    @property
    def data_sha256(self):
        """SHA-256 (hex) of what the key signs: the request token names it."""
        return hashlib.sha256(self.signed_attributes).hexdigest()


def _external_signer(certificate, chain, signature=None):
    certificate = _asn1(certificate)
    key_size = (certificate.public_key.bit_size + 7) // 8
    return signers.ExternalSigner(
        signing_cert=certificate,
        cert_registry=SimpleCertificateStore.from_certs([certificate, *(_asn1(cert) for cert in chain)]),
        # an ECDSA signature (DER) is at most 9 bytes longer than twice the key size
        signature_value=signature or bytes(key_size * 2 + 9 if certificate.public_key.algorithm == "ec" else key_size),
        signature_mechanism=algos.SignedDigestAlgorithm(
            _ALGORITHMS[pk.ECDSA_SHA256 if certificate.public_key.algorithm == "ec" else pk.RSA_PKCS1V15_SHA256]
        ),
    )


def prepare_signature(pdf, certificate, *, chain=(), field_name, appearance=None, box=None, page=-1):
    """The first half of pyHanko's interrupted signing: ``pdf`` with a new signature field and
    its placeholder, ready for the key of ``certificate`` (a ``cryptography`` certificate) to sign
    ``signed_attributes`` elsewhere (RSA PKCS#1 v1.5 / SHA-256, or ECDSA / SHA-256 for an EC key).
    No key is needed here. ``finish_signature`` embeds the signature."""
    writer, page = _writer(pdf, page)
    signer = _external_signer(certificate, chain)
    pdf_signer = _pdf_signer(
        signer, field_name=field_name, appearance=appearance, box=box, page=page, timestamp_url=None
    )

    async def prepare():
        digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(writer)
        attributes = await signer.signed_attrs(digest.document_digest, "sha256", use_pades=True)
        return digest, output, attributes

    digest, output, attributes = asyncio.run(prepare())
    return PreparedSignature(
        pdf=output.getvalue(),
        document_digest=digest.document_digest,
        reserved_start=digest.reserved_region_start,
        reserved_end=digest.reserved_region_end,
        signed_attributes=attributes.dump(),
    )


def finish_signature(prepared, signature, certificate, *, chain=(), timestamp_url=None):
    """The second half: the signed PDF, ``signature`` (the raw signature value of
    ``prepared.signed_attributes`` by the key of ``certificate``) embedded as a CMS signature in
    the placeholder; with a timestamp (PAdES B-T) when ``timestamp_url`` is given. The caller
    verifies the result: a wrong signature value gives a PDF whose signature does not verify."""
    signer = _external_signer(certificate, chain, signature)
    timestamper = timestamps.HTTPTimeStamper(timestamp_url) if timestamp_url else None

    async def finish():
        signed_data = await signer.async_sign_prescribed_attributes(
            "sha256", signed_attrs=cms.CMSAttributes.load(prepared.signed_attributes), timestamper=timestamper
        )
        output = io.BytesIO(prepared.pdf)
        await PdfTBSDocument.async_finish_signing(
            output,
            PreparedByteRangeDigest(prepared.document_digest, prepared.reserved_start, prepared.reserved_end),
            signed_data,
        )
        return output.getvalue()

    return asyncio.run(finish())


def sign_pdfs(signer, documents, *, progress=None, **options):
    """Several PDFs signed in one PIN session (``signer`` holds it), in order: ``documents`` is a
    list of (pdf, field_name, appearance, box). All or nothing: the signed PDFs are returned only
    when every one is signed; a failure (the token removed mid-batch) raises and returns none, so
    that the caller stores nothing half-done. ``progress(done, total)`` after each.

    The placeholder pyHanko sized for the first signature serves the others: same signer, same
    certificates, same attributes (its estimate builds the whole signature once more: about half
    the CPU of an invisible signature, and a request to the timestamp authority for B-T)."""
    signed = []
    reserved = options.pop("bytes_reserved", None)
    for pdf, field_name, appearance, box in documents:
        signed.append(
            sign_pdf(
                pdf, signer, field_name=field_name, appearance=appearance, box=box, bytes_reserved=reserved, **options
            )
        )
        if reserved is None:
            reserved = reserved_size(signed[-1], field_name)
        if progress:
            progress(len(signed), len(documents))
    return signed
