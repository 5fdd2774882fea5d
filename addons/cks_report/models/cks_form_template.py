from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.cks_subscriber.models.cks_province_rules import LEGAL_BASES

FORM_CODES = [(f"{n:02d}", f"Form {n:02d}") for n in range(1, 16)] + [("report", "Periodic Report")]
FORM_CODES += [("register_devices", "Register of Devices"), ("register_subscribers", "List of Subscribers")]


class CksFormTemplate(models.Model):
    """The wording of one printed form under one legal basis: title, summary, fixed sentences,
    recipients and legal reference. Data, so that a province corrects its text without code.

    The official bodies of the forms of Thông tư 185/2019/TT-BQP were not available to us: each
    template says in ``reconstructed`` what was rebuilt from the regulations."""

    _name = "cks.form.template"
    _description = "Form Wording"
    _inherit = ["mail.thread"]
    _order = "legal_basis, code"

    legal_basis = fields.Selection(LEGAL_BASES, required=True, default="tt185_2019", tracking=True)
    code = fields.Selection(FORM_CODES, "Form", required=True, tracking=True)
    name = fields.Char("Title", required=True, tracking=True, help="The document type, printed in capitals.")
    summary = fields.Char(tracking=True, help="The line under the title (trích yếu).")
    recipient = fields.Char("Addressed To", tracking=True, help='The "Kính gửi" line, when the form has one.')
    opening = fields.Text(
        tracking=True,
        help="Sentences before the data of the form, one paragraph per line. Placeholders: {date}, {place}, {body}.",
    )
    closing = fields.Text(tracking=True, help="Sentences after the data of the form, one paragraph per line.")
    distribution = fields.Text(tracking=True, help='The "Nơi nhận" list, one recipient per line.')
    legal_reference = fields.Char(tracking=True, help="The form as the legal text names it.")
    reconstructed = fields.Text("Reconstructed From", help="What in this wording is rebuilt, and from which articles.")
    active = fields.Boolean(default=True)

    _code_per_basis = models.Constraint(
        "UNIQUE(legal_basis, code)", "A form has one wording per legal basis: edit the existing one."
    )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for template in self:
            template.display_name = f"{template.code} · {template.name or ''}"

    @api.model
    def _for(self, code):
        """The wording of form ``code`` under the province's legal basis."""
        basis = self.env["cks.province.profile"]._get_current().legal_basis or "tt185_2019"
        template = self.search([("legal_basis", "=", basis), ("code", "=", code)], limit=1)
        if not template:
            raise UserError(
                self.env._(
                    "Form %(code)s has no wording for the legal basis of the province: add it under Configuration → "
                    "Form Wording.",
                    code=code,
                )
            )
        return template
