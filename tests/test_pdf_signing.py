"""PAdES signatures with keys on a real SoftHSM2 token, and their validation with pyHanko:
appearance, two signatures in order, a timestamp authority (B-T), tampering, trust, bad files,
a batch that stops when the token goes."""

import datetime as dt
import http.server
import io
import re
import shutil
import subprocess
import threading

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cks_signing_lib import pdf_signing as ps
from cks_signing_lib import pdf_validation as pv
from cks_signing_lib import pkcs11_connector as pk
from cks_signing_lib import softhsm_store as hsm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pypdf import PdfReader

PERSON = "Nguyễn Văn Ẩn"
BODY = "Sở Thông tin và Truyền thông Hà Tĩnh"
WHEN = dt.datetime(2026, 11, 30, 2, 5, 9, tzinfo=dt.UTC)  # 09:05:09 in Hà Tĩnh


def blank_pdf(pages=1):
    writer = PdfFileWriter()
    for _ in range(pages):
        writer.insert_page(
            generic.DictionaryObject(
                {
                    generic.NameObject("/Type"): generic.NameObject("/Page"),
                    generic.NameObject("/MediaBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 595, 842))),
                }
            )
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_text(pdf, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [shutil.which("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def pki(softhsm):
    module, pins, ca = softhsm["module"], softhsm["pins"], softhsm["ca"]
    certificates = {}
    for token, kind, name in (("pdf_person", "rsa", PERSON), ("pdf_seal", "ec", BODY), ("pdf_batch", "rsa", PERSON)):
        public = hsm.generate_key(module, token, pins[token], b"\x01", "signing", kind=kind)
        certificates[token] = ca.issue(public, name, organization=BODY)
        hsm.store_certificate(module, token, pins[token], b"\x01", "signing", certificates[token])
    return certificates


def signed(softhsm, token, pdf, field, appearance=None, box=(60, 60, 300, 140), **options):
    module = softhsm["module"]
    with module.session(module.find_token(label=token), softhsm["pins"][token]) as session:
        signer = ps.TokenSigner(session, session.find_key(), chain=[softhsm["ca"].certificate])
        return ps.sign_pdf(pdf, signer, field_name=field, appearance=appearance, box=box, **options)


def test_the_appearance_reads_as_the_decree_lays_it_out():
    person = ps.Appearance(ps.INDIVIDUAL, PERSON, WHEN, title="Chánh Văn phòng", body=BODY)
    assert person.lines() == [
        f"Người ký: {PERSON}",
        "Chức vụ: Chánh Văn phòng",
        f"Cơ quan: {BODY}",
        "Thời gian ký: 09:05:09 30/11/2026 +07:00",
    ]
    seal = ps.Appearance(ps.ORGANIZATION, BODY, WHEN)
    assert seal.lines() == [f"Ký bởi: {BODY}", "Thời gian ký: 09:05:09 30/11/2026 +07:00"]


def test_two_signatures_in_order_both_verify_with_their_vietnamese_appearance(softhsm, pki, tmp_path):
    ca = softhsm["ca"]
    now = dt.datetime.now(dt.UTC)
    first = signed(
        softhsm,
        "pdf_person",
        blank_pdf(),
        "Signature1",
        ps.Appearance(ps.INDIVIDUAL, PERSON, now, title="Chánh Văn phòng", body=BODY),
    )
    both = signed(
        softhsm, "pdf_seal", first, "Signature2", ps.Appearance(ps.ORGANIZATION, BODY, now), box=(320, 60, 560, 140)
    )
    assert both.startswith(first)  # an incremental update: the first signed revision is untouched
    reports = pv.validate_pdf(both, [ca.certificate])
    assert [(report.field, report.signer) for report in reports] == [("Signature1", PERSON), ("Signature2", BODY)]
    for report in reports:
        assert (report.intact, report.valid, report.trusted, report.ok) == (True, True, True, True)
        assert report.issuer == "CKS Demo CA"
        assert report.revocation == pv.UNKNOWN  # offline, and the test CA names no CRL or OCSP
        assert abs((report.signed_at - now).total_seconds()) < 60
    # the first signature sees the second one added after it (a signature field: form filling)
    assert (reports[0].coverage, reports[0].modification) == ("entire_revision", "form_filling")
    assert (reports[1].coverage, reports[1].modification) == ("entire_file", "none")
    text = pdf_text(both, tmp_path)
    assert f"Người ký: {PERSON}" in text and "Chức vụ: Chánh Văn phòng" in text and f"Ký bởi: {BODY}" in text
    assert len(re.findall(r"Thời gian ký: \d{2}:\d{2}:\d{2} \d{2}/\d{2}/\d{4} \+07:00", text)) == 2


def test_tampering_untrusted_roots_and_bad_files_are_told(softhsm, pki):
    pdf = signed(softhsm, "pdf_person", blank_pdf(), "Signature1")
    (report,) = pv.validate_pdf(pdf, [softhsm["ca"].certificate])
    assert report.ok
    tampered = bytearray(pdf)
    tampered[pdf.index(b"/MediaBox") + 12] ^= 0x01  # one byte of the signed page
    (report,) = pv.validate_pdf(bytes(tampered), [softhsm["ca"].certificate])
    assert not report.intact and not report.ok
    other_ca = hsm.TestCa("Another CA")
    (report,) = pv.validate_pdf(pdf, [other_ca.certificate])
    assert report.intact and report.valid and not report.trusted and not report.ok
    with pytest.raises(pv.NotASignedPdf, match="not a PDF that can be read"):
        pv.validate_pdf(b"GIF89a not a pdf", [softhsm["ca"].certificate])
    with pytest.raises(pv.NotASignedPdf, match="carries no signature"):
        pv.validate_pdf(blank_pdf(), [softhsm["ca"].certificate])
    assert [cert.subject.native["common_name"] for cert in pv.signers_of(pdf)] == [PERSON]


class TimestampAuthority(http.server.BaseHTTPRequestHandler):
    """An RFC 3161 timestamp authority on loopback (pyHanko's DummyTimeStamper answering HTTP)."""

    stamper = None

    def do_POST(self):
        request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
        answer = self.stamper.request_tsa_response(request).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def test_a_timestamp_authority_makes_it_pades_b_t(softhsm, pki):
    ca = softhsm["ca"]
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_cert = ca.issue_timestamping(tsa_key.public_key())
    TimestampAuthority.stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa_cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TimestampAuthority)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/"
        pdf = signed(softhsm, "pdf_person", blank_pdf(), "Signature1", timestamp_url=url)
        # interrupted signing (the signing agent's path): prepared without the key, signed on
        # the token, finished with the timestamp
        prepared = ps.prepare_signature(blank_pdf(), pki["pdf_person"], chain=[ca.certificate], field_name="S1")
        module = softhsm["module"]
        with module.session(module.find_token(label="pdf_person"), softhsm["pins"]["pdf_person"]) as session:
            value = session.sign(session.find_key(), prepared.signed_attributes)
        interrupted = ps.finish_signature(prepared, value, pki["pdf_person"], chain=[ca.certificate], timestamp_url=url)
    finally:
        server.shutdown()
    for document in (pdf, interrupted):
        (report,) = pv.validate_pdf(document, [ca.certificate])
        assert report.ok and report.timestamp is not None
        assert abs((report.timestamp - dt.datetime.now(dt.UTC)).total_seconds()) < 60


def test_a_batch_is_signed_in_one_session_or_not_at_all(softhsm, pki):
    module = softhsm["module"]
    token = module.find_token(label="pdf_batch")
    documents = [(blank_pdf(), "Signature1", None, None) for _ in range(6)]
    progress = []
    with module.session(token, softhsm["pins"]["pdf_batch"]) as session:
        signer = ps.TokenSigner(session, session.find_key(), chain=[softhsm["ca"].certificate])
        pdfs = ps.sign_pdfs(signer, documents, progress=lambda done, total: progress.append((done, total)))
    assert progress == [(number, 6) for number in range(1, 7)]
    assert all(pv.validate_pdf(pdf, [softhsm["ca"].certificate])[0].ok for pdf in pdfs)

    def unplug_after_two(done, total):
        progress.append(done)
        if done == 2:
            module.lib.closeAllSessions(token.slot)  # what unplugging does to the sessions

    progress.clear()
    result = None
    with pytest.raises(pk.TokenRemoved), module.session(token, softhsm["pins"]["pdf_batch"]) as session:
        signer = ps.TokenSigner(session, session.find_key(), chain=[softhsm["ca"].certificate])
        result = ps.sign_pdfs(signer, documents, progress=unplug_after_two)
    assert progress == [1, 2] and result is None  # nothing returned to store


def test_the_signature_spaces_are_found_alike_by_the_short_reading(tmp_path, monkeypatch):
    """signature_boxes reads only the text objects holding "(Ký," (a printed form's last page
    holds thousands of operators): the boxes are those of the whole page's reading."""
    rows = "".join(
        f"<tr><td>{n}</td><td>Thiết bị lưu khóa bí mật số {n:04d}</td><td>Còn tốt</td></tr>" for n in range(40)
    )
    html = tmp_path / "form.html"
    html.write_text(
        f"""<html><head><meta charset="utf-8"/></head><body style="font-family: 'DejaVu Serif'">
        <h3>BIÊN BẢN BÀN GIAO THIẾT BỊ LƯU KHÓA BÍ MẬT</h3><table>{rows}</table>
        <table style="width: 100%; margin-top: 20px"><tr>
        <td style="text-align: center"><b>BÊN GIAO</b><br/><i>(Ký, ghi rõ họ tên)</i><br/><br/><br/>Bùi Thị Mai</td>
        <td style="text-align: center"><b>BÊN NHẬN</b><br/><i>(Ký, ghi rõ họ tên)</i><br/><br/><br/>Phan Văn Hiếu</td>
        </tr></table></body></html>""",
        encoding="utf-8",
    )
    out = tmp_path / "form.pdf"
    subprocess.run([shutil.which("wkhtmltopdf"), "-q", str(html), str(out)], check=True, capture_output=True)
    pdf = out.read_bytes()
    short = ps.signature_boxes(pdf)
    page = PdfReader(io.BytesIO(pdf)).pages[-1]
    whole_page = len(page.get_contents().get_data())
    ps._keep_text_objects_with(page, ps.SIGN_HERE)
    assert len(page.get_contents().get_data()) < whole_page / 5  # the short reading did take place
    monkeypatch.setattr(ps, "_keep_text_objects_with", lambda page, prefix: None)
    whole = ps.signature_boxes(pdf)
    assert len(short) == 2 and short[0][0] < short[1][0]
    assert [pytest.approx(box, abs=1e-6) for box in whole] == short
