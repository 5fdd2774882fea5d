from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_token_asset.tests.token_common import TokenCase


class RequestCase(TokenCase):
    """TokenCase plus a province profile with known figures and certificates on the devices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Profile = cls.env["cks.province.profile"]
        cls.profile = Profile._get_current() or Profile.create({"name": "Tỉnh thử nghiệm"})
        cls.profile.write(
            {
                "handback_subscriber_days": 0,
                "handback_ca_days": 5,
                "incident_notice": "immediately",
                "route_new": "direct",
                "route_renewal": "direct",
                "route_revocation": "direct",
                "route_restoration": "direct",
                "focal_body_id": False,
            }
        )
        cls.cert_a = cls.make_certificate(cls.sub_own, 0xA001, days_after=400)
        cls.cert_unit = cls.make_certificate(cls.sub_unit, 0xA002, days_after=400)
        cls.cert_other = cls.make_certificate(cls.sub_other, 0xB001, days_after=400)
        cls.token_a.write({"certificate_ids": [(4, cls.cert_a.id)]})

    def as_(self, role, records):
        return records.with_user(self.users[role])

    def draft(self, role="officer", **vals):
        vals.setdefault("request_type", "revocation")
        vals.setdefault("subscriber_id", self.sub_own.id)
        if vals["request_type"] in ("revocation", "renewal", "change"):
            vals.setdefault("certificate_id", self.cert_a.id)
        if vals["request_type"] == "revocation":
            vals.setdefault("grounds", "retirement")
        return self.env["cks.request"].with_user(self.users[role]).create(vals)

    def approved(self, **vals):
        """A request drafted and verified by the officer, approved by the head."""
        request = self.draft(**vals)
        request.action_submit()
        request.action_verify("Đã kiểm tra")
        self.as_("head", request).action_approve("Đồng ý")
        return request

    def sent(self, **vals):
        request = self.approved(**vals)
        action = request.action_create_batch()
        batch = self.env["cks.request.batch"].browse(action["res_id"])
        self.as_("officer", batch).action_send("ca_portal", None, "12/STTTT-CNTT")
        return request, batch

    def set_step_start(self, request, day):
        with flow.opened("cks.request"):
            request.write({"step_start": day})

    def today(self):
        """Today in the province, as the flows date their steps (not the machine's UTC date)."""
        return self.env["cks.province.profile"]._cks_today()
