"""pytest set-up: the addons' plain-Python cores, importable without Odoo.

Each addon keeps its ORM-free code in `addons/<addon>/lib/`; here it is loaded as
the package `<addon>_lib` (e.g. `cks_subscriber_lib.cccd`), so that several
addons' `lib` folders never shadow each other and no test edits sys.path.
"""

import importlib.util
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))


def _load_addon_lib(addon):
    path = ROOT / "addons" / addon / "lib"
    spec = importlib.util.spec_from_file_location(
        f"{addon}_lib", path / "__init__.py", submodule_search_locations=[str(path)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)


for _addon in sorted(p.parent.parent.name for p in (ROOT / "addons").glob("*/lib/__init__.py")):
    _load_addon_lib(_addon)


@pytest.fixture(scope="session")
def server():
    """Odoo serving the database `make test` built (CKS_TEST_DB), on a free port, for end-to-end tests."""
    db = os.environ.get("CKS_TEST_DB")
    if not db:
        pytest.skip("needs CKS_TEST_DB, set by `make test`")
    port = subprocess.check_output([sys.executable, str(ROOT / "scripts/free-port.py")], text=True).strip()
    proc = subprocess.Popen(
        [str(ROOT / "scripts/odoo"), "-d", db, "--db-filter", f"^{db}$", "--http-port", port, "--max-cron-threads=0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/web/health", timeout=2)
            break
        except urllib.error.HTTPError:
            break  # it answers
        except OSError:
            if proc.poll() is not None:
                pytest.fail("the Odoo server exited while starting")
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("the Odoo server did not answer within 60 s")
    yield base
    proc.terminate()
    proc.wait(timeout=20)
