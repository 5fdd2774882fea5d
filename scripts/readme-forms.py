"""Writes the README's pictures of printed forms from a running CKS that serves the demo database.

usage: .venv/bin/python scripts/readme-forms.py BASE_URL [OUT_DIR] [--db NAME]
e.g.   make run   (in another terminal), then
       .venv/bin/python scripts/readme-forms.py http://127.0.0.1:8069
Downloads each form as its demo user prints it (Odoo's /report/pdf route, wkhtmltopdf) and turns
its first page into a PNG with pdftoppm (OUT_DIR, default docs/forms/). Changes
nothing in the database. Exits with status 1, naming the form, when a print fails or is not a PDF.
tests/test_docs_forms.py runs it.
"""

import argparse
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from demo_http import DemoError, find_id, login, only_database

ROOT = Path(__file__).resolve().parent.parent
DPI = 70  # an A4 page 579 x 819 pixels: readable in the README, small in the repository

# (file, demo user, report, model, domain of the latest record to print)
FORMS = [
    ("form-14.png", "hieupv", "cks_report.report_form_14", "cks.handover", [("state", "=", "done")]),
    (
        "form-10.png",
        "canbo",
        "cks_report.report_batch_letter",
        "cks.request.batch",
        [("reference", "=", "125/STTTT-CNTT")],  # the demo's letter of revocations
    ),
    (
        "report-h1.png",
        "quantri",
        "cks_report.report_periodic",
        "cks.periodic.report",
        [("period_kind", "=", "h1"), ("body_id", "=", False), ("state", "=", "done")],  # the province's
    ),
]


def fetch_pdf(base, session, report, record_id):
    request = urllib.request.Request(
        f"{base}/report/pdf/{report}/{record_id}", headers={"Cookie": f"session_id={session}"}
    )
    with urllib.request.urlopen(request, timeout=120) as resp:
        data = resp.read()
    if not data.startswith(b"%PDF"):
        raise DemoError(f"{report}/{record_id} did not answer with a PDF: {data[:200]!r}")
    return data


def write(base, db, out_dir, forms=FORMS):
    out_dir.mkdir(parents=True, exist_ok=True)
    sessions = {}
    for file, user, report, model, domain in forms:
        session = sessions.get(user) or sessions.setdefault(user, login(base, db, user))
        png = out_dir / file
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(fetch_pdf(base, session, report, find_id(base, session, model, domain)))
            pdf.flush()
            command = ["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile"]
            subprocess.run([*command, pdf.name, str(png.with_suffix(""))], check=True)
        print(png)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("out_dir", nargs="?", default=str(ROOT / "docs" / "forms"))
    parser.add_argument("--db", help="the demo database (default: the only one the server lists)")
    args = parser.parse_args(argv)
    base = args.base_url.rstrip("/")
    try:
        write(base, args.db or only_database(base), Path(args.out_dir))
    except (DemoError, OSError, subprocess.CalledProcessError) as error:
        sys.exit(f"readme-forms: {error}")


if __name__ == "__main__":
    main()
