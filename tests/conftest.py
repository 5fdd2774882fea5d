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


def _serve(extra=(), log=None):
    """Odoo serving the database `make test` built (CKS_TEST_DB) on a free port: yields its URL."""
    db = os.environ.get("CKS_TEST_DB")
    if not db:
        pytest.skip("needs CKS_TEST_DB, set by `make test`")
    port = subprocess.check_output([sys.executable, str(ROOT / "scripts/free-port.py")], text=True).strip()
    command = [str(ROOT / "scripts/odoo"), "-d", db, "--db-filter", f"^{db}$", "--http-port", port]
    proc = subprocess.Popen(
        [*command, "--max-cron-threads=0", *extra, *(["--logfile", str(log)] if log else [])],
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


@pytest.fixture(scope="session")
def server():
    """Odoo serving the database `make test` built (CKS_TEST_DB), on a free port, for end-to-end tests."""
    yield from _serve()


@pytest.fixture
def verbose_server(tmp_path):
    """Another Odoo on the same database, logging everything it can (every RPC and its answer) to a
    file: (URL, log path)."""
    log = tmp_path / "odoo-debug.log"
    for base in _serve(["--log-level=debug_rpc_answer"], log):
        yield base, log


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory):
    """A real SoftHSM2 store for this pytest process: tokens made with softhsm2-util, then the
    module loaded once with SOFTHSM2_CONF pointing at it (SoftHSM2 sees the tokens that existed
    when it was loaded); keys are generated on the tokens by the tests' helpers."""
    from cks_signing_lib import pkcs11_connector, softhsm_store  # noqa: PLC0415

    path = softhsm_store.softhsm_module()
    if not path:
        pytest.fail("SoftHSM2 is not installed (Debian package softhsm2: make setup installs it)")
    store = softhsm_store.SoftHsmStore(tmp_path_factory.mktemp("softhsm"))
    tokens = {
        "signer": "246810",
        "seal": "135790",
        "second": "112233",
        "nocert": "445566",
        "threads": "778899",
        "removal": "121212",
        "pdf_person": "202020",
        "pdf_seal": "303030",
        "pdf_batch": "404040",
        "agent": "505050",
        "agent_ec": "606060",
    }
    for label, pin in tokens.items():
        store.init_token(label, pin)
    store.use()
    module = pkcs11_connector.Pkcs11Module(path)
    return {"store": store, "module": module, "pins": tokens, "ca": softhsm_store.TestCa()}
