"""The public check page of printed forms: ``/cks/verify?ref=<reference>``, where the QR code of
every form printed by CKS leads (``cks_report/lib/form_data.py``).

Anyone may open it, without logging in. It says whether the reference is well-formed, whether this
system printed it (``cks.print.reference``), the form and the day it was printed, whether the
custody chain holds the anchor the reference names, and whether the record's content still has
the printed hash. It shows nothing classified: no name, number, person, body or device, only what
the reference says, the form's title and the date. A reference this system never printed gets one
answer, whatever is wrong with it. It reads only, and answers in the visitor's language:
Vietnamese unless the visitor asks for another language the database has."""

from urllib.parse import urlencode

from odoo import http
from odoo.http import request

from odoo.addons.cks_report.lib.form_data import VERIFY_PATH

# what the page may say of itself to browsers and robots: no scripts, no frames, not indexed,
# not cached (the answer changes with the record), no referrer leaving with the reference
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}
DEFAULT_LANG = "vi_VN"
# the kinds of the answer and of each point checked (the page's colours and marks)
OK, WARNING, BAD, INFO = "ok", "warning", "bad", "info"
FORM_SEPARATOR = " — "  # "Mẫu 14 — Biên bản bàn giao"
LANG_NAMES = {"vi_VN": "Tiếng Việt", "en_US": "English"}


class CksVerify(http.Controller):
    @http.route(VERIFY_PATH, type="http", auth="public", methods=["GET"], readonly=True)
    def cks_verify(self, ref=None, lang=None, **_kwargs):
        page_lang = self._page_lang(lang)
        request.update_context(lang=page_lang)
        env = request.env
        result = env["cks.print.reference"]._public_check(ref if isinstance(ref, str) else "")
        values = {
            "html_lang": page_lang.replace("_", "-"),
            "lang": page_lang,
            "page_title": env._("Check a printed form"),
            "province": env["cks.province.profile"]._get_current().name or "",
            "result": result,
            "verdict": self._verdict(env, result),
            "lines": self._lines(env, result),
            "languages": self._language_links(result.get("reference")),
            "reference": result.get("reference", ""),
        }
        return request.render("cks_signing.verify_page", values, headers=HEADERS)

    # ------------------------------------------------------------------ language
    def _language_links(self, reference):
        """(address, name) of this page in each language the database has, for the same reference."""
        links = []
        for code, name in LANG_NAMES.items():
            if code in self._installed():
                query = {"ref": reference, "lang": code} if reference else {"lang": code}
                links.append((f"{VERIFY_PATH}?{urlencode(query)}", name))
        return links

    def _installed(self):
        return {code for code, _name in request.env["res.lang"].get_installed()}

    def _page_lang(self, asked):
        """The language asked in the address, else the logged-in user's, else the first language of
        the browser's the database has, else Vietnamese (the province's language)."""
        installed = self._installed()
        if asked in installed:
            return asked
        if request.session.uid and request.env.user.lang in installed:
            return request.env.user.lang
        for value, _quality in request.httprequest.accept_languages:
            code = value.replace("-", "_")
            if code in installed:
                return code
            language = code.split("_")[0].lower()
            same = sorted(lang for lang in installed if lang.split("_")[0] == language)
            if same:
                return DEFAULT_LANG if DEFAULT_LANG in same else same[0]
        return DEFAULT_LANG if DEFAULT_LANG in installed else "en_US"

    # ------------------------------------------------------------------ what the page says
    def _verdict(self, env, result):
        """(kind, sentence): the answer in one sentence, of kind OK, WARNING or BAD; None before a question."""
        state = result["state"]
        if state == "empty":
            return None
        if state == "too_long":
            return BAD, env._("This text is too long to be the reference of a printed form.")
        if state == "malformed":
            return BAD, env._("This is not the reference of a form printed by CKS.")
        if state == "unknown":
            return BAD, env._("This reference was not issued by this system.")
        if result["current"] == "changed" or (result["anchor"] and not result["anchor"]["in_chain"]):
            return WARNING, env._("This form was printed by this system, but see the points below.")
        return OK, env._("This form was printed by this system.")

    def _lines(self, env, result):
        """The points checked: (kind, label, sentence), of kind OK, BAD or INFO."""
        state = result["state"]
        if state == "empty":
            return []
        if state in ("too_long", "malformed"):
            return [
                (
                    BAD,
                    env._("Reference"),
                    env._(
                        "Not well-formed. A reference reads CKS1|model|number|content hash|anchor, as printed "
                        "beside the QR code."
                    ),
                )
            ]
        lines = [(OK, env._("Reference"), env._("Well-formed."))]
        if state == "unknown":
            lines.append(
                (
                    BAD,
                    env._("Issued by this system"),
                    env._(
                        "No. This system never printed a form with this reference: the paper was not printed by "
                        "CKS, or its reference was altered."
                    ),
                )
            )
            return lines
        form = FORM_SEPARATOR.join(filter(None, (result["form"], result["form_title"])))
        printed_on = result["printed_on"].strftime("%d/%m/%Y")
        lines += [
            (OK, env._("Issued by this system"), env._("Yes.")),
            (INFO, env._("Form"), form),
            (INFO, env._("Printed on"), printed_on),
            (OK, env._("Content hash"), env._("Matches the hash this system issued for this print.")),
        ]
        anchor = result["anchor"]
        if not anchor:
            lines.append((INFO, env._("Custody chain anchor"), env._("The print names none.")))
        elif anchor["in_chain"]:
            lines.append(
                (
                    OK,
                    env._("Custody chain anchor"),
                    env._(
                        "Event no. %(number)s of the custody chain has the hash the print names.",
                        number=anchor["number"],
                    ),
                )
            )
        else:
            lines.append(
                (
                    BAD,
                    env._("Custody chain anchor"),
                    env._(
                        "Not in the custody chain: its event no. %(number)s does not have the hash the print names.",
                        number=anchor["number"],
                    ),
                )
            )
        current = result["current"]
        if current == "same":
            lines.append((OK, env._("Current content"), env._("Unchanged since it was printed.")))
        elif current == "changed":
            lines.append(
                (
                    BAD,
                    env._("Current content"),
                    env._("Changed since it was printed: the record now has other content than this paper."),
                )
            )
        else:
            lines.append((INFO, env._("Current content"), env._("Cannot be recomputed.")))
        return lines
