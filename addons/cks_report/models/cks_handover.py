from odoo import models


class CksHandover(models.Model):
    _inherit = "cks.handover"

    def _cks_form(self):
        """Biên bản bàn giao thiết bị lưu khóa bí mật (Mẫu 14, TT 185/2019; QĐ 19/2020 Hà Tĩnh
        Điều 11.3): who gives, who receives, who witnesses, and the devices with their state."""
        self.ensure_one()
        Print = self.env["cks.form.print"]
        Print._require(self, ["giver_id", "receiver_id", "place", "line_ids"])
        day = Print._local_date(self.confirmed_at or self.handover_date or self.create_date)
        conditions = dict(self.env["cks.handover.line"]._fields["condition"]._description_selection(self.env))
        types = dict(self.env["cks.handover.line"]._fields["token_type"]._description_selection(self.env))
        lines = self.line_ids.sudo()  # sudo: the lines of a record the reader may see (the receiver's devices too)
        parties = [
            (self.env._("Giver"), Print._person(self.giver_id)),
            (self.env._("Receiver"), Print._person(self.receiver_id)),
        ]
        if self.witness_id:
            parties.append((self.env._("Witness"), Print._person(self.witness_id)))
        return Print._build(
            self,
            "14",
            self.body_id or self.giver_id.cks_body_id,
            self.name if self.name != "/" else "",
            day,
            place=self.place,
            values={"place": self.place},
            parties=[{"label": label, **person} for label, person in parties],
            table={
                "headers": [
                    self.env._("No."),
                    self.env._("Device Serial"),
                    self.env._("Type"),
                    self.env._("Certificates"),
                    self.env._("Condition"),
                    self.env._("Accessories"),
                    self.env._("Remarks"),
                ],
                "rows": [
                    [
                        str(index),
                        line.serial or line.token_id.serial,
                        types.get(line.token_type, ""),
                        line.certificate_serials or "",
                        conditions.get(line.condition, ""),
                        line.accessories or "",
                        line.remarks or "",
                    ]
                    for index, line in enumerate(lines, 1)
                ],
                "widths": [6, 20, 10, 24, 10, 18, 12],
            },
            facts=[(self.env._("Remarks"), self.remarks)] if self.remarks else [],
            signers=[
                {"title": self.env._("THE GIVER"), "name": self.giver_id.sudo().name},
                {"title": self.env._("THE RECEIVER"), "name": self.receiver_id.sudo().name},
                *(
                    [{"title": self.env._("THE WITNESS"), "name": self.witness_id.sudo().name}]
                    if self.witness_id
                    else []
                ),
            ],
        )
