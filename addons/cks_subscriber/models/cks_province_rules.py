from odoo import api, fields, models

INCIDENT_NOTICES = [
    ("not_stated", "Not stated"),
    ("immediately", "Immediately"),
    ("within_hours", "Within a number of hours"),
]
LEGAL_BASES = [
    ("tt185_2019", "Circular 185/2019/TT-BQP"),
    ("nd68_2024", "Decree 68/2024/ND-CP"),
]


class CksProvinceRules(models.AbstractModel):
    """The values a province's regulation fixes; shared by presets and the profile."""

    _name = "cks.province.rules"
    _description = "Province Rules for Digital Signatures"

    name = fields.Char("Province", required=True)
    legal_act = fields.Char(help="The provincial decision these rules come from.")
    authority = fields.Char(
        "Subscriber Management Authority",
        help="Who exercises the authority to manage subscribers in the province (thẩm quyền quản lý thuê bao).",
    )
    focal_unit = fields.Char("Provincial Focal Unit", help="The unit in charge of digital signatures for the province.")
    report_h1_day = fields.Integer("Six-Month Report Due Day")
    report_h1_month = fields.Integer("Six-Month Report Due Month")
    report_year_day = fields.Integer("Annual Report Due Day")
    report_year_month = fields.Integer("Annual Report Due Month")
    handback_subscriber_days = fields.Integer(
        "Device Hand-Back by Subscriber (working days)",
        help="Working days for the subscriber to hand a device back after revocation or expiry.",
    )
    handback_ca_days = fields.Integer(
        "Device Hand-Back to the CA (working days)",
        default=5,
        help="Working days to hand a recovered device to the CA (Decree 130/2018, Art. 71: 5).",
    )
    incident_notice = fields.Selection(
        INCIDENT_NOTICES,
        "Incident Notification",
        default="not_stated",
        required=True,
        help='When a lost, stolen or exposed key must be reported: immediately ("báo ngay"), within a '
        "number of hours, or the act states no time.",
    )
    incident_hours = fields.Integer(
        "Incident Notification Window (hours)",
        help="Hours within which a lost, stolen or exposed key must be reported, when the act sets a number.",
    )
    legal_basis = fields.Selection(LEGAL_BASES, default="tt185_2019", required=True)
    notes = fields.Text("Particulars")

    _constraints_days = models.Constraint(
        "CHECK(report_h1_day BETWEEN 0 AND 31 AND report_year_day BETWEEN 0 AND 31"
        " AND report_h1_month BETWEEN 0 AND 12 AND report_year_month BETWEEN 0 AND 12)",
        "A report due date must be a day of the month (1-31) and a month (1-12), or 0 when not set.",
    )
    _incident_hours_set = models.Constraint(
        "CHECK(incident_notice != 'within_hours' OR incident_hours > 0)",
        "Give the number of hours of the incident window.",
    )
    _constraints_positive = models.Constraint(
        "CHECK(handback_subscriber_days >= 0 AND handback_ca_days >= 0 AND incident_hours >= 0)",
        "Deadlines cannot be negative.",
    )

    @api.model
    def _rule_fields(self):
        """Names of the fields a preset copies into the profile."""
        magic = {"id", "create_uid", "create_date", "write_uid", "write_date"}
        return [
            name
            for name, field in self.env["cks.province.rules"]._fields.items()
            if field.store and not field.compute and name not in magic
        ]
