from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.cks_subscriber.lib import flow

from ..lib import form_data
from .cks_form_template import FORM_CODES

# event numbers of the custody chain are PostgreSQL integers
MAX_EVENT_NUMBER = 2**31 - 1


class CksPrintReference(models.Model):
    """The register of the references CKS printed: one row per reference, written when a form is
    printed (``cks.form.print._build``), so that the public check page can confirm a reference
    later, even when the record has changed since.

    Append-only: written by the printing of forms alone, in one ``INSERT`` that keeps the first
    print of a reference (a reprint of the same content has the same reference), so that concurrent
    prints of one content never fail on each other. The ORM refuses every write and deletion,
    whoever asks, and every create outside a flow that opens the model (none does). Auditors and
    the provincial administrators read it."""

    _name = "cks.print.reference"
    _inherit = ["cks.input.guard"]  # among its guards: a client's uninstall flag skips no check
    _description = "Printed Form Reference"
    _order = "id desc"

    reference = fields.Char(required=True, readonly=True)
    res_model = fields.Char("Document Model", required=True, readonly=True)
    res_id = fields.Many2oneReference("Record ID", model_field="res_model", required=True, readonly=True)
    digest = fields.Char("Content Hash (SHA-256)", required=True, readonly=True)
    anchor = fields.Char(
        "Custody Chain Anchor", readonly=True, help="Event number and hash of the custody chain when it was printed."
    )
    form_code = fields.Selection(FORM_CODES, "Form", required=True, readonly=True, index=True)
    form_title = fields.Char(readonly=True)
    printed_at = fields.Datetime("Printed On", required=True, readonly=True, index=True)
    printed_by_id = fields.Many2one("res.users", readonly=True)
    document_name = fields.Char("Document", compute="_compute_document_name")
    check_url = fields.Char(
        "Check Page", compute="_compute_check_url", help="The address the QR code of the print carries."
    )

    _reference_unique = models.Constraint("UNIQUE(reference)", "A reference is recorded once.")
    _document_index = models.Index("(res_model, res_id)")

    @api.depends("form_code", "form_title")
    def _compute_display_name(self):
        labels = dict(self._fields["form_code"]._description_selection(self.env))
        for entry in self:
            entry.display_name = " — ".join(filter(None, (labels.get(entry.form_code), entry.form_title)))

    @api.depends("res_model", "res_id")
    def _compute_document_name(self):
        """The printed record's name, for a reader who may read that record (one read per model)."""
        names = {}
        for model, entries in self.grouped("res_model").items():
            if model in self.env:
                records = self.env[model].browse(entries.mapped("res_id")).exists()._filtered_access("read")
                names.update({(model, record.id): record.display_name for record in records})
        for entry in self:
            entry.document_name = names.get((entry.res_model, entry.res_id), False)

    @api.depends("reference")
    def _compute_check_url(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""  # sudo: a setting
        for entry in self:
            entry.check_url = form_data.verify_url(base_url, entry.reference) if entry.reference else False

    # ------------------------------------------------------------------ append-only
    @api.model_create_multi
    def create(self, vals_list):
        if not flow.is_open(self._name):  # no step opens it: ``_record`` writes the register
            raise UserError(self.env._("The register of printed forms is written by the printing of forms only."))
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            raise UserError(self.env._("The register of printed forms is kept as printed: it cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _never_deleted(self):
        raise UserError(self.env._("The register of printed forms is kept as printed: it cannot be deleted."))

    @api.model
    def _record(self, record, code, title, form):
        """Record the reference of ``form`` (``record``'s print of form ``code``), unless it is
        recorded already: one statement, whoever prints (the server's time, the printing user)."""
        parts = form_data.parse_reference(form["reference"])
        now = fields.Datetime.now().replace(microsecond=0)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO cks_print_reference
                    (reference, res_model, res_id, digest, anchor, form_code, form_title, printed_at,
                     printed_by_id, create_uid, create_date, write_uid, write_date)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT (reference) DO NOTHING
                """,
                form["reference"],
                record._name,
                record.id,
                parts["digest"],
                parts["anchor"],
                code,
                title or None,
                now,
                self.env.uid,
                self.env.uid,
                now,
                self.env.uid,
                now,
            )
        )

    # ------------------------------------------------------------------ the public check
    @api.model
    def _public_check(self, text):
        """What the public check page may say of ``text`` (a reference, or the address of its QR
        code): a dict with ``state``, one of

        - ``empty``, ``too_long``, ``malformed``: nothing looked up;
        - ``unknown``: well-formed, but this system never printed it (forged, altered or foreign);
        - ``issued``: printed here; then only what the reference says and its print: ``reference``,
          ``form_code``, ``form`` (its label), ``form_title``, ``printed_on`` (the province's date),
          ``anchor`` (None, or {"number", "in_chain"}) and ``current`` ("same", "changed" or None
          when the record's content cannot be recomputed).

        Nothing of the record itself (no name, number, person or device) is ever returned."""
        text = (text or "").strip()
        if not text:
            return {"state": "empty"}
        if len(text) > form_data.INPUT_MAX_LENGTH:
            return {"state": "too_long"}
        reference = form_data.reference_in(text)
        try:
            parts = form_data.parse_reference(reference)
        except ValueError:
            return {"state": "malformed"}
        # sudo: the public page reads its register; it shows nothing of the record
        entry = self.sudo().search([("reference", "=", reference)], limit=1)
        if not entry or entry.digest != parts["digest"]:
            return {"state": "unknown"}
        labels = dict(self._fields["form_code"]._description_selection(self.env))
        anchor = None
        if entry.anchor:
            number, _colon, event_hash = entry.anchor.partition(":")
            anchor = {"number": int(number), "in_chain": self._anchor_in_chain(int(number), event_hash)}
        current = self.env["cks.form.print"]._current_digest(entry.res_model, entry.res_id, entry.printed_by_id)
        return {
            "state": "issued",
            "reference": entry.reference,
            "form_code": entry.form_code,
            "form": labels.get(entry.form_code, entry.form_code),
            "form_title": entry.form_title or "",
            "printed_on": self.env["cks.form.print"]._local_date(entry.printed_at),
            "anchor": anchor,
            "current": None if current is None else ("same" if current == entry.digest else "changed"),
        }

    @api.model
    def _anchor_in_chain(self, number, event_hash):
        """Whether event ``number`` of the custody chain has ``event_hash``."""
        if not 0 < number <= MAX_EVENT_NUMBER:
            return False
        # sudo: one hash of the chain compared, nothing of the event shown
        event = self.env["cks.custody.event"].sudo().search_fetch([("global_sequence", "=", number)], ["event_hash"])
        return bool(event) and event[0].event_hash == event_hash
