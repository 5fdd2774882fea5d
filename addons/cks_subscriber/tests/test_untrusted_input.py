"""What a client sends is untrusted (review of issue 11, findings 1 and 7): no context key
unlocks a protected write, text is refused past its limit instead of being cut, an empty upload
says so, and a body's contact takes its address fields only."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .cks_common import CksCase

# Every context key the code ever read to open a protected write, and Odoo's own keys that
# change what a write or a deletion does.
CLIENT_CONTEXT = {
    "cks_token_transition": True,
    "cks_certificate_transition": True,
    "cks_custody_append": True,
    "cks_move": "assign",
    "default_state": "revoked",
    "_force_unlink": True,
    "install_mode": True,
    "tracking_disable": True,
}


@tagged("post_install", "-at_install")
class TestUntrustedInput(CksCase):
    def test_no_context_key_revives_an_expired_certificate(self):
        cert = self.make_certificate(self.sub_own, 0x5001, days_after=-3)
        self.assertEqual(cert.state, "expired")
        as_officer = cert.with_user(self.users["officer"]).with_context(**CLIENT_CONTEXT)
        for vals in ({"state": "valid"}, {"state_reason": "gia hạn"}, {"reminder_stage": 90}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                as_officer.write(vals)
        self.assertEqual(cert.state, "expired")
        sent_valid = self.make_certificate(self.sub_own, 0x5002, state="valid", days_after=-3)
        self.assertEqual(sent_valid.state, "expired", "the server's clock decides, not the state sent")

    def test_default_context_cannot_register_a_revoked_certificate(self):
        cert = self.env["cks.certificate"].with_context(default_state="revoked", default_reminder_stage=30)
        cert = cert.create(
            {
                "subscriber_id": self.sub_own.id,
                "serial": "5003",
                "issuer": "CN=CA thử nghiệm",
                "valid_from": "2025-01-01 00:00:00",
                "valid_to": "2099-01-01 00:00:00",
            }
        )
        self.assertEqual((cert.state, cert.reminder_stage), ("valid", 0))

    def test_thirteen_digit_cccd_refused_not_cut(self):
        with self.assertRaises(ValidationError) as caught:
            self.env["cks.subscriber"].create(
                {"name": "Đỗ Văn Mười", "body_id": self.dept_a.id, "cccd": "0420950012345"}
            )
        self.assertIn("12", str(caught.exception))
        subscriber = self.env["cks.subscriber"].create(
            {"name": "Đỗ Văn Mười", "body_id": self.dept_a.id, "cccd": "042095001234"}
        )
        self.assertEqual(subscriber.cccd, "042095001234", "the real number is not taken for a duplicate")

    def test_long_text_refused_with_its_limit(self):
        with self.assertRaises(ValidationError) as caught:
            self.env["cks.subscriber"].create({"name": "A" * 10_000, "body_id": self.dept_a.id})
        self.assertIn("256", str(caught.exception))
        with self.assertRaises(ValidationError):
            self.sub_own.write({"position": "Chuyên viên " * 100})
        with self.assertRaises(ValidationError):
            self.dept_a.write({"street": "Số 1 " * 100})  # a contact field, through the body
        self.sub_own.write({"position": "Chuyên viên chính"})
        self.assertEqual(self.sub_own.position, "Chuyên viên chính")

    def test_empty_upload_says_the_file_is_empty(self):
        for data in ("", b""):
            with self.subTest(data=data), self.assertRaises(UserError) as caught:
                self.env["cks.certificate"].create(
                    {"subscriber_id": self.sub_own.id, "file": data, "file_name": "x.cer"}
                )
            self.assertIn("empty", str(caught.exception))

    def test_body_contact_takes_address_fields_only(self):
        """The contact is written with elevated rights: a user linked through it would have been
        written as superuser."""
        officer = self.users["officer"]
        as_officer = self.dept_a.with_user(officer)
        admin_group = self.env.ref("base.group_system")
        with self.assertRaises(UserError):
            as_officer.write({"user_ids": [Command.update(officer.id, {"group_ids": [Command.link(admin_group.id)]})]})
        with self.assertRaises(UserError):
            self.env["cks.body"].with_user(officer).create(
                {"name": "Phòng mới", "parent_id": self.dept_a.id, "user_ids": [Command.link(officer.id)]}
            )
        self.assertNotIn(admin_group, officer.all_group_ids)
        # pointing the body at a user's contact, then editing "the body's" e-mail, would take the account
        admin_partner = self.env.ref("base.user_admin").partner_id
        with self.assertRaises(UserError):
            as_officer.write({"partner_id": admin_partner.id})
        self.assertNotEqual(self.dept_a.partner_id, admin_partner)
        as_officer.write({"street": "Số 2 Nguyễn Du", "phone": "0239 3855 555"})
        self.assertEqual(self.dept_a.street, "Số 2 Nguyễn Du")

    def test_preset_applies_through_the_wizard_only(self):
        profile = self.env["cks.province.profile"]._get_current() or self.env["cks.province.profile"].create(
            {"name": "Hà Tĩnh"}
        )
        with self.assertRaises(UserError):
            profile.write({"preset_id": self.env.ref("cks_subscriber.preset_ha_tinh").id})
        with self.assertRaises(AccessError):
            profile.with_user(self.users["officer"]).write({"incident_hours": 1})

    def test_officer_cannot_move_records_out_of_their_scope(self):
        """Record rules are checked on the record as it was: moving it to a body the officer does
        not manage must be refused too."""
        officer = self.users["officer"]
        # a body named outside the scope is refused first, by name (before Odoo's generic refusal)
        with self.assertRaisesRegex(UserError, "Sở Tài chính is outside your scope"):
            self.sub_unit.with_user(officer).write({"body_id": self.dept_b.id})
        with self.assertRaisesRegex(UserError, "Sở Tài chính is outside your scope"):
            self.unit_a.with_user(officer).write({"parent_id": self.dept_b.id})
        cert = self.make_certificate(self.sub_own, 0x5010)
        with self.assertRaises(AccessError):
            cert.with_user(officer).write({"subscriber_id": self.sub_other.id})
        self.assertEqual(
            (self.sub_unit.body_id, self.unit_a.parent_id, cert.subscriber_id), (self.unit_a, self.dept_a, self.sub_own)
        )
        self.sub_unit.with_user(officer).write({"body_id": self.dept_a.id})  # within the scope: fine
        self.assertEqual(self.sub_unit.body_id, self.dept_a)
