from odoo import fields, models


class CksSubscriber(models.Model):
    """The image a subscriber's visible signatures show (Nghị định 30/2020/NĐ-CP, Phụ lục I):
    an individual's handwritten signature, an organisation's seal."""

    _inherit = "cks.subscriber"

    stamp_image = fields.Image(
        "Signature or Seal Image",
        max_width=600,
        max_height=600,
        help="Shown in the box of the subscriber's digital signatures: the handwritten signature of a "
        "person, the seal of an organisation (PNG or JPEG; the seal drawn over the organisation's name).",
    )
