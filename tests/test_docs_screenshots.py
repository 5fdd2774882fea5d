"""The README's screenshots come from the demo through scripts/readme-screenshots.py. The script is
run here against the database `make test` built, so that a page that breaks fails the suite
instead of leaving a stale picture in docs/screenshots/. (The file name sorts before the
end-to-end tests, which change that database.)"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "readme-screenshots.py"
SHOTS = ("first-screen.png", "device-history.png", "handover.png", "verification.png")


def test_readme_shows_the_screenshots_kept_in_docs():
    readme = (ROOT / "README.md").read_text()
    shown = re.findall(r"\]\((docs/screenshots/[\w.-]+\.png)\)", readme)
    assert sorted(shown) == sorted(f"docs/screenshots/{name}" for name in SHOTS)
    for path in shown:
        with Image.open(ROOT / path) as image:
            assert image.size == (1280, 800), path


def test_the_script_shoots_every_page_of_the_demo(server, tmp_path):
    if not shutil.which("chromium"):
        pytest.skip("needs chromium (installed by `make setup`)")
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, str(SCRIPT), server, str(tmp_path), "--db", os.environ["CKS_TEST_DB"]],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stderr or run.stdout
    for name in SHOTS:
        with Image.open(tmp_path / name) as image:
            assert image.size == (1280, 800), name
            colours = image.convert("RGB").getcolors(maxcolors=1280 * 800)
        assert len(colours) >= 16, f"{name} is (nearly) blank: {len(colours)} colours"
        assert max(count for count, _colour in colours) < 0.9 * 1280 * 800, f"{name} is mostly one colour"
    assert elapsed < 60, f"the four screenshots took {elapsed:.0f} s"


def test_the_script_stops_at_an_error_dialog(server, tmp_path):
    """A page showing Odoo's error dialog is not pictured: the script names it and fails."""
    if not shutil.which("chromium"):
        pytest.skip("needs chromium (installed by `make setup`)")
    spec = importlib.util.spec_from_file_location("readme_screenshots", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    # a subscriber may not read the verifications of the chain: Odoo answers with its access error dialog
    forbidden = script.Shot("forbidden.png", "thuebao", "/odoo/action-" + script.VERIFICATION_ACTION, ".o_list_view")
    with pytest.raises(script.ShotError, match="error dialog"):
        script.take(server, os.environ["CKS_TEST_DB"], tmp_path, [forbidden])
    assert not (tmp_path / "forbidden.png").exists()
    assert (tmp_path / "forbidden.failed.png").exists()
