"""The README's pictures of printed forms come from the demo through scripts/readme-forms.py, run
here against the database `make test` built: a form that no longer prints fails the suite instead
of leaving a stale picture in docs/forms/."""

import os
import re
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "readme-forms.py"
FORMS = ("form-10.png", "form-14.png", "report-h1.png")
A4 = 210 / 297


def test_readme_shows_the_forms_kept_in_docs():
    shown = re.findall(r"\]\((docs/forms/[\w.-]+\.png)\)", (ROOT / "README.md").read_text())
    assert sorted(shown) == sorted(f"docs/forms/{name}" for name in FORMS)
    for path in shown:
        with Image.open(ROOT / path) as image:
            assert abs(image.size[0] / image.size[1] - A4) < 0.01, path


def test_the_script_prints_every_form_of_the_demo(server, tmp_path):
    run = subprocess.run(
        [sys.executable, str(SCRIPT), server, str(tmp_path), "--db", os.environ["CKS_TEST_DB"]],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr or run.stdout
    for name in FORMS:
        with Image.open(tmp_path / name) as image:
            assert abs(image.size[0] / image.size[1] - A4) < 0.01, name
            colours = image.convert("L").getcolors(maxcolors=image.size[0] * image.size[1])
        dark = sum(count for count, level in colours if level < 128)
        assert dark > 2000, f"{name} is (nearly) blank"
