"""Fills empty msgstr of CKS's vi.po files from Odoo's own Vietnamese translations.

usage: i18n-fill.py ODOO_ADDONS_DIR "INSTALLED MODULES" PREVIOUS_DIR MODULE...
Fills first from PREVIOUS_DIR/<module>.po (the file before the export: Odoo
exports the terms of Python code untranslated), then from Odoo's own files.
Writes the files back and prints, per module, the terms still untranslated.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def odoo_memory(addons_dir, installed):
    memory = {}
    for name in installed:
        po_path = Path(addons_dir) / name / "i18n" / "vi.po"
        if po_path.is_file():
            for entry in polib.pofile(str(po_path)):
                if entry.msgstr and entry.msgid not in memory:
                    memory[entry.msgid] = entry.msgstr
    return memory


def main(addons_dir, installed, previous_dir, *modules):
    memory = odoo_memory(addons_dir, [m for m in installed.split() if not m.startswith("cks_")])
    missing_total = 0
    for module in modules:
        path = ROOT / "addons" / module / "i18n" / "vi.po"
        po = polib.pofile(str(path))
        previous_path = Path(previous_dir) / f"{module}.po"
        previous = (
            {e.msgid: e.msgstr for e in polib.pofile(str(previous_path)) if e.msgstr} if previous_path.is_file() else {}
        )
        po.metadata.update(
            {
                "Language": "vi",
                "Language-Team": "Vietnamese",
                "Plural-Forms": "nplurals=1; plural=0;",
                "Content-Transfer-Encoding": "8bit",
            }
        )
        for key in ("POT-Creation-Date", "PO-Revision-Date"):
            po.metadata.pop(key, None)
        missing = []
        for entry in po:
            if not entry.msgstr:
                entry.msgstr = previous.get(entry.msgid) or memory.get(entry.msgid, "")
            if not entry.msgstr:
                missing.append(entry.msgid)
        po.save(str(path))
        print(f"{module}: {len(po)} terms, {len(missing)} untranslated")
        for msgid in missing:
            print(f"    {msgid!r}")
        missing_total += len(missing)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
