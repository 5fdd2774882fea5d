from odoo import models

from odoo.addons.cks_request.lib import request_rules as rules

# The CA (TT 185/2019 Điều 4): every even form and hand-back record goes to it.
CA_NAME = "Cục Chứng thực số và Bảo mật thông tin - Ban Cơ yếu Chính phủ"


class CksRequest(models.Model):
    """The odd forms (Mẫu 01, 03, 05, 07, 09, 11): the subscriber's request to its managing body;
    and the hand-back record of a device recovery (Mẫu 13, TT 185/2019 Điều 10.2)."""

    _inherit = "cks.request"

    def _cks_form(self):
        self.ensure_one()
        if self.request_type == "recovery":
            return self._cks_form_13()
        Print = self.env["cks.form.print"]
        Print._require(self, ["subscriber_id"])
        subscriber = self.subscriber_id.sudo()  # sudo: the subscriber of a request the reader may see
        code = rules.FORM_PAIRS[self.request_type][0]
        self._cks_require_form_details(subscriber)
        facts = self._cks_subscriber_facts(subscriber) + self._cks_request_facts()
        day = Print._local_date(self.submitted_at or self.create_date)
        return Print._build(
            self,
            code,
            self.body_id,
            self.name if self.name != "/" else "",
            day,
            values={"subscriber": subscriber.name, "body": self.body_id.name or ""},
            classified=False,  # a request names a certificate; the device it lives on is the "Mật" asset
            facts=facts,
            signers=[{"title": self.env._("THE APPLICANT"), "name": subscriber.name}],
        )

    def _cks_require_form_details(self, subscriber):
        """The details each form needs, named when missing (TT 185/2019 Điều 8; DOMAIN §4)."""
        names = list(rules.required_subscriber_fields(self.request_type))
        missing = [subscriber._fields[name]._description_string(self.env) for name in names if not subscriber[name]]
        needs = {
            "renewal": ["certificate_id"],
            "change": ["certificate_id", "change_details"],
            "revocation": ["certificate_id", "grounds"],
            "restoration": ["token_id"],
            "new_device": ["purpose"],
        }.get(self.request_type, [])
        missing += [self._fields[name]._description_string(self.env) for name in needs if not self[name]]
        self.env["cks.form.print"]._refuse_missing(self, missing)

    def _cks_subscriber_facts(self, subscriber):
        fields = subscriber._fields
        names = (
            ("name", "cccd", "position", "email", "mobile")
            if subscriber.kind == "individual"
            else ("name", "address", "tax_code", "budget_code", "email")
        )
        facts = [(fields[name]._description_string(self.env), subscriber[name]) for name in names if subscriber[name]]
        facts.append((self.env._("Managing Body"), subscriber.body_id.complete_name or ""))
        return facts

    def _cks_request_facts(self):
        cert, token = self.certificate_id.sudo(), self.token_id.sudo()  # sudo: printed with the request
        grounds = dict(self._fields["grounds"]._description_selection(self.env))
        facts = [
            (
                self.env._("Request"),
                dict(self._fields["request_type"]._description_selection(self.env))[self.request_type],
            )
        ]
        if cert:
            valid_to = self.env["cks.form.print"]._local_date(cert.valid_to).strftime("%d/%m/%Y")
            facts += [(self.env._("Certificate Serial"), cert.serial), (self.env._("Valid Until"), valid_to)]
        if token:
            facts.append((self.env._("Device Serial"), token.serial))
        if self.purpose:
            facts.append((self.env._("Device, Service or Software and Purpose"), self.purpose))
        if self.change_details:
            facts.append((self.env._("Information to Change"), self.change_details))
        if self.grounds:
            facts.append((self.env._("Grounds of Revocation"), grounds[self.grounds]))
        if self.loss_report_id:
            facts.append((self.env._("Lost Device Record (Form 15)"), self.loss_report_id.sudo().name))
        return facts

    def _cks_form_13(self):
        """Biên bản bàn giao thiết bị lưu khóa bí mật to the CA after a revocation (TT 185/2019
        Điều 10.2; NĐ 130/2018 Điều 71; QĐ 29/2021 Điện Biên Điều 19.3)."""
        Print = self.env["cks.form.print"]
        Print._require(self, ["token_id", "device_received_at"])
        token = self.token_id.sudo()  # sudo: the device of a recovery the reader may see
        conditions = dict(token._fields["condition"]._description_selection(self.env))
        officer = self.body_id._responsible_user() or self.env.user
        facts = [
            (self.env._("Device Serial"), token.serial),
            (self.env._("Certificate Serial"), self.certificate_id.sudo().serial or ""),
            (self.env._("Condition"), conditions.get(token.condition, "")),
            (self.env._("Revocation Request"), self.origin_id.name or ""),
        ]
        return Print._build(
            self,
            "13",
            self.body_id,
            self.handed_back_ref or "",
            Print._local_date(self.result_at or self.device_received_at),
            parties=[
                {"label": self.env._("Giver"), **Print._person(officer)},
                {"label": self.env._("Receiver"), "name": CA_NAME, "position": "", "body": ""},
            ],
            facts=facts,
            signers=[
                {"title": self.env._("THE GIVER"), "name": officer.sudo().name},
                {"title": self.env._("THE RECEIVER"), "name": ""},
            ],
        )


class CksRequestBatch(models.Model):
    """The even forms (Mẫu 02, 04, 06, 08, 10, 12): the managing body's letter to the CA with the
    table of its subscribers (TT 185/2019 Điều 8-11; QĐ 19/2020 Hà Tĩnh Điều 9.3)."""

    _inherit = "cks.request.batch"

    def _cks_form(self):
        self.ensure_one()
        Print = self.env["cks.form.print"]
        Print._require(self, ["request_ids"])
        code = rules.FORM_PAIRS[self.request_type][1]
        requests = self.request_ids.sudo()  # sudo: the table of a letter the reader may see
        for request in requests:
            request._cks_require_form_details(request.subscriber_id)
        head = self.body_id.head_user_id.sudo()
        day = Print._local_date(self.sent_at) if self.sent_at else Print._local_date(self.create_date)
        return Print._build(
            self,
            code,
            self.body_id,
            self.reference or self.name,
            day,
            values={"count": len(requests)},
            classified=False,
            table=self._cks_table(requests),
            signers=[{"title": self.env._("HEAD OF THE MANAGING BODY"), "name": head.name or ""}],
        )

    def _cks_table(self, requests):
        grounds = dict(self.env["cks.request"]._fields["grounds"]._description_selection(self.env))
        fields = self.env["cks.subscriber"]._fields

        def label(name):
            return fields[name]._description_string(self.env)

        headers = [self.env._("No."), self.env._("Subscriber"), f"{label('cccd')} / {label('tax_code')}"]
        headers += [label("position"), label("email"), label("mobile")]
        detail = {
            "revocation": self.env._("Certificate / Grounds"),
            "renewal": self.env._("Certificate"),
            "change": self.env._("Certificate / Change"),
            "restoration": self.env._("Device"),
        }.get(self.request_type)
        if detail:
            headers.append(detail)
        rows = []
        for index, request in enumerate(requests, 1):
            subscriber = request.subscriber_id
            identity = subscriber.cccd if subscriber.kind == "individual" else subscriber.tax_code
            row = [str(index), subscriber.name, identity or "", subscriber.position or ""]
            row += [subscriber.email or "", subscriber.mobile or ""]
            if self.request_type == "revocation":
                row.append(f"{request.certificate_id.serial} / {grounds.get(request.grounds, '')}")
            elif self.request_type == "renewal":
                row.append(request.certificate_id.serial or "")
            elif self.request_type == "change":
                row.append(f"{request.certificate_id.serial} / {request.change_details or ''}")
            elif self.request_type == "restoration":
                row.append(request.token_id.serial or "")
            rows.append(row)
        widths = [5, 17, 13, 10, 19, 11] + ([25] if detail else [])
        return {"headers": headers, "rows": rows, "widths": widths}
