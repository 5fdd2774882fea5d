"""pytest set-up: the addons' plain-Python cores, importable without Odoo.

Each addon keeps its ORM-free code in `addons/<addon>/lib/`; here it is loaded as
the package `<addon>_lib` (e.g. `cks_subscriber_lib.cccd`), so that several
addons' `lib` folders never shadow each other and no test edits sys.path.
"""

import importlib.util
import sys
from pathlib import Path

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
