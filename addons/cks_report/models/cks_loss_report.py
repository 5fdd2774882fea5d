from odoo import fields, models


class CksLossReport(models.Model):
    _inherit = "cks.loss.report"

    def _cks_form(self):
        """Biên bản xác nhận thiết bị lưu khóa bí mật bị thất lạc (Mẫu 15, TT 185/2019), sent with
        the revocation request (QĐ 19/2020 Hà Tĩnh Điều 6.2.c; QĐ 09/2023 Bắc Ninh Điều 5.2.c)."""
        self.ensure_one()
        Print = self.env["cks.form.print"]
        Print._require(self, ["token_id", "discovered_at", "circumstances"])
        token = self.token_id.sudo()  # sudo: the device of a record the reader may see
        body = self.body_id or token.body_id
        day = Print._local_date(self.reported_at or self.create_date)

        def moment(value):
            local = fields.Datetime.context_timestamp(self.with_context(tz="Asia/Ho_Chi_Minh"), value)
            return local.strftime("%H:%M %d/%m/%Y")

        facts = [
            (self.env._("Device Serial"), token.serial),
            (self.env._("Certificates"), ", ".join(token.certificate_ids.mapped("serial"))),
            (self.env._("Reported By"), self.reporter_id.sudo().name),
            (self.env._("Probably Lost On"), moment(self.lost_at) if self.lost_at else ""),
            (self.env._("Loss Discovered On"), moment(self.discovered_at)),
            (self.env._("Where"), self.place or ""),
            (self.env._("How It Happened"), self.circumstances),
            (self.env._("Stolen"), self.env._("Yes") if self.stolen else self.env._("No")),
        ]
        head = body.head_user_id.sudo() if body else self.env["res.users"]
        return Print._build(
            self,
            "15",
            body,
            self.name if self.name != "/" else "",
            day,
            values={"serial": token.serial},
            facts=[(label, value) for label, value in facts if value],
            signers=[
                {"title": self.env._("THE REPORTER"), "name": self.reporter_id.sudo().name},
                {"title": self.env._("HEAD OF THE MANAGING BODY"), "name": head.name or ""},
            ],
        )
