"""Checks that every CKS module runs on itself (imported by each module's tests).

- its Vietnamese translation is complete: every term Odoo would export for the
  module has a non-empty msgstr in its i18n/vi.po;
- it sits where ARCHITECTURE.md puts it in the chain
  cks_subscriber <- cks_token_asset <- cks_request <- cks_report <- cks_signing:
  it depends on the module to its left and never names a module to its right.
"""

import ast
import re
from pathlib import Path

import polib

from odoo.modules.module import get_module_path
from odoo.tools.translate import TranslationModuleReader

CHAIN = ["cks_subscriber", "cks_token_asset", "cks_request", "cks_report", "cks_signing"]
SOURCE_SUFFIXES = {".py", ".xml", ".js", ".csv", ".scss"}


class CksModuleChecks:
    """Mixin for a TransactionCase; set ``module`` to the module's name."""

    module = None
    allow_inherited_tests_method = True  # Odoo's loader skips inherited tests otherwise

    def _module_dir(self):
        return Path(get_module_path(self.module))

    def test_vi_translation_complete(self):
        po_path = self._module_dir() / "i18n" / "vi.po"
        self.assertTrue(po_path.is_file(), f"{self.module} has no i18n/vi.po")
        translated = {e.msgid for e in polib.pofile(str(po_path)) if e.msgstr.strip()}
        sources = {
            source
            for _module, _type, _name, _res_id, source, _value, _comments in TranslationModuleReader(
                self.env.cr, modules=[self.module]
            )
            if source and source.strip()
        }
        missing = sorted(sources - translated)
        self.assertFalse(missing, f"{self.module}/i18n/vi.po lacks a Vietnamese text for: {missing}")

    def test_manifest(self):
        manifest = ast.literal_eval((self._module_dir() / "__manifest__.py").read_text(encoding="utf-8"))
        self.assertRegex(manifest["version"], r"^19\.0\.\d+\.\d+\.\d+$")
        self.assertEqual(manifest["license"], "LGPL-3")
        self.assertEqual(manifest["category"], "Digital Signatures")
        self.assertTrue(manifest.get("summary"))
        self.assertTrue((self._module_dir() / "static" / "description" / "icon.png").is_file())

    def test_depends_on_previous_module(self):
        position = CHAIN.index(self.module)
        mod = self.env["ir.module.module"].search([("name", "=", self.module)])
        self.assertEqual(mod.state, "installed")
        depends = set(mod.dependencies_id.mapped("name"))
        if position:
            self.assertIn(CHAIN[position - 1], depends)
        self.assertFalse(depends & set(CHAIN[position + 1 :]), "a module depends on a higher one")

    def test_never_names_a_higher_module(self):
        higher = CHAIN[CHAIN.index(self.module) + 1 :]
        if not higher:
            return
        pattern = re.compile(r"\b(" + "|".join(higher) + r")\b")
        offenders = []
        for path in self._module_dir().rglob("*"):
            if path.suffix in SOURCE_SUFFIXES and path.is_file() and path != Path(__file__):
                text = path.read_text(encoding="utf-8")
                offenders += [f"{path.name}: {m}" for m in pattern.findall(text)]
        self.assertFalse(offenders, f"{self.module} refers to modules above it: {offenders}")
