"""Every label, selection value and title of the CKS views is Vietnamese and human (issue 12, point 3).

Each list, form, kanban and search view of the ``cks.*`` models (wizards included), each menu of
the CKS modules and the title and help of its action are rendered for each demo role in
``vi_VN``, the way the web client gets them: the arch and the field descriptions from
``get_views``, the rows from ``web_search_read`` and a few records from ``web_read``. The output is
then searched for

- **untranslated strings**: a source (English) term of our modules, i.e. a ``msgid`` of an
  ``addons/cks_*/i18n/vi.po`` or a term the modules define today (field labels and help,
  selection labels, view texts, menus, actions) shown as it is; a ``msgid`` with placeholders
  (``%(name)s``) is matched as a pattern against the data, which catches English text the code
  stored;
- **raw technical codes**: a selection label equal to its key, a value equal to a selection key,
  a ``snake_case`` word (``returned_focal``, ``digital_signature``), a technical model name or a
  display name like ``cks.token,12`` (e-mail addresses, URLs, file names, logins, hashes and
  serials are allowed).

Odoo's own strings (chatter, the web client) are out of scope: README, "Known untranslated
strings of Odoo itself". Every offender is reported in one failure, grouped by string.
"""

import fnmatch
import os
import re
from collections import defaultdict

import polib
from lxml import etree, html

from odoo.exceptions import AccessError, UserError
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader, html_translate, xml_translate

from odoo.addons.cks_subscriber.tests.cks_common import DemoMixin

ROLES = ("thuebao", "vanthu", "canbo", "thutruong", "quantri", "thanhtra", "admin")
VIEW_TYPES = ("list", "form", "kanban", "search")
ROWS = 20  # rows of a list, as the first page the client shows
FORMS = 3  # records opened in each form
SKIPPED_TYPES = {"binary", "image", "properties", "properties_definition", "json", "many2one_reference", "reference"}

CODE_ELEMENT = re.compile(r"<code\b[^>]*>.*?</code>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w*\}")
ALLOWED_TOKENS = re.compile(
    r"\S+@\S+"  # e-mail addresses
    r"|\w+://\S+"  # URLs
    r"|\S+\.(?:csv|pdf|xml|cer|crt|pem|der|p7b|txt|xlsx?|zip|png|jpe?g)\b",  # file names
    re.IGNORECASE,
)
SNAKE_CASE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?!\.?\w)")
RECORD_REF = re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+,\s?\d+\b")
MODEL_NAME = re.compile(r"(?<![\w.@/-])(?:cks|res|ir|mail|base)(?:\.[a-z][a-z0-9_]*)+(?!\.?\w)")


def _norm(text):
    return " ".join(str(text).split())


class CksTextChecker:
    """Finds untranslated source strings and raw technical codes among the texts a user sees.

    :param english: {source term: where it stands in the .po files}, the English terms of our modules
    :param identical: source terms whose Vietnamese is the same text (``msgstr == msgid``)
    :param selection_keys: every technical key of a selection field of a ``cks.*`` model
    """

    def __init__(self, english, identical=(), selection_keys=()):
        self.identical = {_norm(term) for term in identical}
        self.english = {_norm(term): status for term, status in english.items()}
        for term in self.identical:
            self.english.pop(term, None)
        self.selection_keys = {key for key in selection_keys if re.fullmatch(r"[a-z][a-z0-9_]{2,}", key)}
        patterns = []
        for term, status in self.english.items():
            parts = PLACEHOLDER.split(term)
            if len(parts) > 1 and len(re.findall(r"[A-Za-z]", "".join(parts))) >= 8:
                patterns.append((re.compile(".+?".join(map(re.escape, parts)), re.DOTALL), term, status))
        self.patterns = patterns

    def untranslated(self, text, kind="label"):
        """The English term ``text`` shows (with its .po status), or None."""
        candidates = [_norm(text)]
        if kind == "value":  # a text value: each of its lines too, and the code's sentences with their values
            candidates += [_norm(line) for line in str(text).splitlines()]
        for candidate in candidates:
            if candidate in self.english:
                return candidate, self.english[candidate]
        if kind == "value":
            for pattern, term, status in self.patterns:
                if pattern.search(candidates[0]):
                    return term, status
        return None

    def raw_codes(self, text, kind="label", key=None):
        """The technical codes shown in ``text``; ``key`` is the selection key ``text`` is the label of."""
        text = TAG.sub(" ", CODE_ELEMENT.sub(" ", str(text)))  # <code>…</code>: literal input, e.g. a CSV column
        found = []
        if key is not None and _norm(text) == key and re.fullmatch(r"[a-z][a-z0-9_]*", key):
            found.append(text)
        if kind == "value" and _norm(text) in self.selection_keys:
            found.append(_norm(text))
        found += RECORD_REF.findall(text)
        rest = ALLOWED_TOKENS.sub(" ", RECORD_REF.sub(" ", text))
        found += MODEL_NAME.findall(rest)
        found += SNAKE_CASE.findall(MODEL_NAME.sub(" ", rest))
        return list(dict.fromkeys(found))

    def offenders(self, out):
        """{(category, text, detail): {(where, role)}} for ``out`` = {(kind, text, selection key): {(where, role)}};
        ``kind`` is "label" (a text of the view), "value" (a record's value) or "error" (the view failed)."""
        offenders = defaultdict(set)
        for (kind, text, key), seen in out.items():
            if kind == "error":
                offenders[("render error", text, "")].update(seen)
                continue
            found = self.untranslated(text, kind)
            if found:
                term, status = found
                offenders[("untranslated", term, status)].update(seen)
            for code in self.raw_codes(text, kind, key):
                offenders[("raw code", code, _norm(text)[:120])].update(seen)
        return offenders

    @staticmethod
    def report(offenders):
        """One line per offender and where it shows, grouped by category."""
        lines = []
        for category in ("render error", "untranslated", "raw code"):
            group = sorted((key, seen) for key, seen in offenders.items() if key[0] == category)
            if not group:
                continue
            lines.append(f"== {category}: {len(group)}")
            for (_category, text, detail), seen in group:
                wheres = sorted({where for where, _role in seen})
                roles = sorted({role for _where, role in seen}, key=lambda role: (*ROLES, role).index(role))
                extra = f" — {detail}" if detail and detail != text else ""
                lines.append(f"{text!r}{extra}\n    in {'; '.join(wheres)}\n    for {', '.join(roles)}")
        return "\n".join(lines)


class _ModuleTermReader(TranslationModuleReader):
    """The terms the modules define today: their records (fields, selections, views, menus,
    actions) and the strings of their Python code (``_()``, ``env._()``)."""

    def _export_translatable_resources(self):
        """Only our modules' Python files: Odoo's reader walks Odoo's whole tree, which is slow."""
        for module in self._modules:
            path = get_module_path(module)
            for root, dirs, files in os.walk(path or ()):
                dirs[:] = [name for name in dirs if name not in ("tests", "static", "__pycache__")]
                for name in fnmatch.filter(files, "*.py"):
                    self._babel_extract_terms(
                        name, os.path.dirname(path), root, extract_keywords={"_": None, "_lt": None}
                    )


@tagged("post_install", "-at_install")
class TestViewsVietnamese(DemoMixin, TransactionCase):
    """Every view of the cks.* models shows Vietnamese labels and no technical code to every role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.modules = cls.env["ir.module.module"].search([("name", "=like", "cks\\_%"), ("state", "=", "installed")])

    # ------------------------------------------------------------------ what our modules say in English

    def _checker(self):
        english, identical = {}, set()
        for module in self.modules.mapped("name"):
            po_path = os.path.join(get_module_path(module) or "", "i18n", "vi.po")
            for entry in polib.pofile(po_path) if os.path.isfile(po_path) else ():
                if entry.obsolete or not entry.msgid:
                    continue
                if not entry.msgstr.strip():
                    english[entry.msgid] = f"no Vietnamese in {module}/i18n/vi.po"
                elif _norm(entry.msgstr) == _norm(entry.msgid):
                    identical.add(entry.msgid)
                elif all(place.startswith("code:") for place, _line in entry.occurrences):
                    english.setdefault(entry.msgid, "vi.po translates it; the code stored it in English")
                else:
                    english.setdefault(entry.msgid, "vi.po translates it, not for this field or view: re-export vi.po")
        known = {_norm(term) for term in english} | {_norm(term) for term in identical}
        reader = _ModuleTermReader(self.env.cr, modules=self.modules.mapped("name"), lang="vi_VN")
        for module, _ttype, name, _res_id, source, _value, _comments in reader:
            if _norm(source) not in known:
                english[source] = f"not in {module}/i18n/vi.po ({name})"
        keys = set()
        for model in self._models():
            for field in self.env[model]._fields.values():
                if field.type == "selection" and isinstance(field.selection, list):
                    keys.update(key for key, _label in field.selection if isinstance(key, str))
        return CksTextChecker(english, identical, keys)

    def _models(self):
        return sorted(name for name, model in self.env.items() if name.startswith("cks.") and not model._abstract)

    # ------------------------------------------------------------------ what each role sees

    def _users(self):
        users = {}
        for login in ROLES:
            user = self.env["res.users"].search([("login", "=", login)], limit=1)
            if user:
                users[login] = user
        self.assertEqual(set(users), set(ROLES), "every demo role has its user")
        return users

    def _collect(self):
        """{(kind, text, selection key): {(where, role)}} for every text every role sees."""
        out = defaultdict(set)
        users = self._users()
        views = self.env["ir.ui.view"].search(
            [("model", "in", self._models()), ("type", "in", VIEW_TYPES), ("mode", "=", "primary")]
        )
        for role, user in users.items():
            env = self.env(user=user, context=dict(self.env.context, lang="vi_VN"))
            for view in views:
                Model = env[view.model]
                if not Model.has_access("read"):
                    continue
                where = f"{view.model} {view.type} ({view.xml_id or view.name})"

                def add(kind, text, key=None, where=where, role=role):
                    if isinstance(text, str) and text.strip():
                        out[(kind, text, key)].add((where, role))

                try:
                    with self.env.cr.savepoint():
                        self._render(Model, view, add)
                except (AccessError, UserError) as error:
                    out[("error", f"{type(error).__name__}: {error}", None)].add((where, role))
            self._collect_menus(env, role, out)
        return out

    def _render(self, Model, view, add):
        result = Model.get_views([(view.id, view.type)])
        models = {model: spec["fields"] for model, spec in result["models"].items()}
        arch = result["views"][view.type]["arch"]
        xml_translate(lambda term: add("label", term), arch)
        shown = set()
        spec = self._spec(etree.fromstring(arch), Model._name, models, shown)
        for model, name in shown:  # the fields the arch shows (a search view gets them all, for custom filters)
            desc = models[model][name]
            add("label", desc.get("string"))
            if view.type != "search":
                add("label", desc.get("help"))
            for key, label in desc.get("selection") or ():
                add("label", label, key)
        if view.type == "search" or Model._transient:
            return
        records = Model.web_search_read([], spec, limit=ROWS)["records"]
        if view.type == "form" and records:  # the form's title and breadcrumb show the display name
            spec["display_name"] = {}
            records = Model.browse([record["id"] for record in records[:FORMS]]).web_read(spec)
        for record in records:
            self._values(record, Model._name, models, add)

    def _spec(self, node, model, models, shown):
        """The specification the client sends for the fields of ``node`` (x2many through their subviews);
        adds to ``shown`` the (model, field) pairs ``node`` shows."""
        spec = {}
        fields = models.get(model, {})
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "label" and child.get("for") in fields:
                shown.add((model, child.get("for")))
            if child.tag != "field":
                spec.update(self._spec(child, model, models, shown))
                continue
            name = child.get("name")
            desc = fields.get(name)
            if not desc:
                continue
            if child.get("invisible") not in ("1", "True") and child.get("column_invisible") not in ("1", "True"):
                shown.add((model, name))
            if desc["type"] in SKIPPED_TYPES:
                continue
            if desc["type"] == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            elif desc["type"] in ("one2many", "many2many"):
                sub = {}
                for subview in child:
                    if isinstance(subview.tag, str):
                        sub.update(self._spec(subview, desc["relation"], models, shown))
                spec[name] = {"fields": sub or {"display_name": {}}}
            else:
                spec[name] = {}
        return spec

    def _values(self, record, model, models, add):
        fields = models.get(model, {})
        for name, value in record.items():
            desc = fields.get(name) or {"type": "char"}
            if value in (False, None, "") or name == "id":
                continue
            if desc["type"] == "selection":
                labels = dict(desc.get("selection") or ())
                add("value", labels.get(value, value), value)
            elif desc["type"] == "many2one":
                add("value", value.get("display_name") if isinstance(value, dict) else value)
            elif desc["type"] in ("one2many", "many2many"):
                for line in value:
                    if isinstance(line, dict):
                        self._values(line, desc["relation"], models, add)
            elif desc["type"] == "html":
                add("value", html.fromstring(f"<div>{value}</div>").text_content())
            elif desc["type"] in ("char", "text"):
                add("value", value)

    def _collect_menus(self, env, role, out):
        """The menus of our modules the role sees, and the title and help of their actions."""
        data = self.env["ir.model.data"].search(
            [("module", "in", self.modules.mapped("name")), ("model", "=", "ir.ui.menu")]
        )
        visible = env["ir.ui.menu"]._visible_menu_ids()
        for menu in env["ir.ui.menu"].browse(data.mapped("res_id")):
            if menu.id not in visible:
                continue
            where = f"menu ({menu.get_external_id()[menu.id]})"
            out[("label", menu.name, None)].add((where, role))
            action = menu.sudo().action  # the web client loads actions as /web/action/load does
            if action and action._name == "ir.actions.act_window":
                out[("label", action.name, None)].add((where, role))
                html_translate(lambda term, where=where: out[("label", term, None)].add((where, role)), action.help)

    def test_views_are_vietnamese_for_every_role(self):
        """Each view, as each role reading the model sees it in vi_VN, shows no English term of ours and no code."""
        checker = self._checker()
        out = self._collect()
        self.assertTrue(any(kind == "value" for kind, _text, _key in out), "the views showed data")
        offenders = checker.offenders(out)
        if offenders:
            self.fail(
                f"{len(offenders)} strings shown in vi_VN are untranslated or technical:\n{checker.report(offenders)}"
            )


@tagged("post_install", "-at_install")
class TestViewTextChecker(TransactionCase):
    """The checker of TestViewsVietnamese can fail (no demo data needed)."""

    def test_checker_flags_english_and_raw_codes(self):
        """The checker can fail: it flags an English msgid, a raw selection key and technical names."""
        checker = CksTextChecker(
            {"Returned to the focal unit": "x", "%(count)s devices lost": "y", "Serial Number": "z", "Email": "w"},
            identical={"Email"},
            selection_keys={"returned_focal", "lost"},
        )
        self.assertEqual(checker.untranslated("Returned to the focal unit"), ("Returned to the focal unit", "x"))
        self.assertEqual(checker.untranslated("3 devices lost", "value"), ("%(count)s devices lost", "y"))
        self.assertEqual(checker.untranslated("Ghi chú:\nSerial Number", "value"), ("Serial Number", "z"))
        self.assertIsNone(checker.untranslated("Ghi chú:\nSerial Number"))
        self.assertIsNone(checker.untranslated("Email"))
        self.assertIsNone(checker.untranslated("Số hiệu"))
        self.assertEqual(checker.raw_codes("returned_focal", "label", "returned_focal"), ["returned_focal"])
        self.assertEqual(checker.raw_codes("lost", "value"), ["lost"])
        self.assertEqual(
            checker.raw_codes("Khóa: digital_signature, content_commitment"),
            ["digital_signature", "content_commitment"],
        )
        self.assertEqual(checker.raw_codes("cks.token,12"), ["cks.token,12"])
        self.assertEqual(checker.raw_codes('Bước: <code>return_focal</code> <span class="o_form_label">x</span>'), [])
        self.assertEqual(checker.raw_codes("Mô hình cks.handover"), ["cks.handover"])
        for fine in ("vanthu.vp", "van_thu@sotttt.hatinh.gov.vn", "https://ca.gov.vn/a_b", "so_quan_ly_thiet_bi.csv",
                     "5401010100000123", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                     "12/BB-BG", "Đã bàn giao lại cho đơn vị chuyên trách"):  # fmt: skip
            self.assertEqual(checker.raw_codes(fine, "value"), [], fine)
        out = {
            ("value", "Returned to the focal unit", "returned_focal"): {("cks.token list", "vanthu")},
            ("label", "Trạng thái", None): {("cks.token list", "vanthu")},
            ("value", "returned_focal", "returned_focal"): {("cks.token form", "canbo")},
        }
        offenders = checker.offenders(out)
        self.assertEqual(
            {(category, text) for category, text, _detail in offenders},
            {("untranslated", "Returned to the focal unit"), ("raw code", "returned_focal")},
        )
        self.assertIn("returned_focal", checker.report(offenders))
