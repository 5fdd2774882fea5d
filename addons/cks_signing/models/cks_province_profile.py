from odoo import fields, models


class CksProvinceProfile(models.Model):
    _inherit = "cks.province.profile"

    handover_signed_digitally = fields.Boolean(
        "Handover Records Signed Digitally",
        tracking=True,
        help="Both parties sign the handover record (Mẫu 14) digitally, and the receiver's signature "
        "confirms the receipt: a receipt confirmed without the two signatures is refused. Off: the "
        "record may be signed on paper and the receipt confirmed with the button.",
    )
