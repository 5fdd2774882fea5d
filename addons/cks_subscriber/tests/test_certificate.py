import datetime as dt

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.cks_subscriber.lib import cert_factory

from .cks_common import CksCase


@tagged("post_install", "-at_install")
class TestCertificate(CksCase):
    def _upload(self, data, subscriber=None, name="an.cer"):
        return self.env["cks.certificate"].create(
            {"subscriber_id": (subscriber or self.sub_own).id, "file": self.b64(data), "file_name": name}
        )

    def _counts(self):
        return (
            self.env["cks.certificate"].with_context(active_test=False).search_count([]),
            self.env["ir.attachment"].search_count([("res_model", "=", "cks.certificate")]),
        )

    def test_upload_der_and_pem_read_the_certificate(self):
        cert = self._upload(self.issue(serial=0xBEEF01))
        self.assertEqual(cert.serial, "BEEF01")
        self.assertEqual(cert.subject_cn, "Nguyễn Văn An")
        self.assertIn("O=Sở Thông tin và Truyền thông", cert.subject)
        self.assertEqual(cert.issuer_cn, "CA phục vụ các cơ quan Nhà nước G2")
        self.assertEqual(cert.state, "valid")
        self.assertIn("content_commitment", cert.key_usage)
        self.assertRegex(cert.fingerprint_sha256, r"^([0-9A-F]{2}:){31}[0-9A-F]{2}$")
        self.assertEqual(cert.body_id, self.dept_a)
        self.assertEqual(cert.name, "Nguyễn Văn An [BEEF01]")
        pem = self._upload(self.issue("Trần Thị Bình", serial=0xBEEF02, pem=True), self.sub_unit, "b.pem")
        self.assertEqual((pem.serial, pem.subject_cn), ("BEEF02", "Trần Thị Bình"))
        self.assertGreater(pem.days_left, 3 * 365 - 2)
        self.assertTrue(pem.renewal_allowed)

    def test_upload_in_the_form_fills_it_before_saving(self):
        with Form(self.env["cks.certificate"].with_user(self.users["officer"])) as form:
            form.subscriber_id = self.sub_unit
            form.file = self.b64(self.issue("Trần Thị Bình", serial=0xF0F0))
            self.assertEqual(form.serial, "F0F0")
            self.assertIn("CN=Trần Thị Bình", form.subject)
        cert = form.save()
        self.assertEqual((cert.serial, cert.body_id), ("F0F0", self.unit_a))

    def test_key_usage_shown_in_words(self):
        """The codes read from the file stay stored as they are; the form shows them in words."""
        cert = self._upload(self.issue(serial=0xBEEF03))
        self.assertEqual(cert.key_usage, "digital_signature, content_commitment")
        self.assertEqual(cert.key_usage_label, "Digital signature, Non-repudiation (content commitment)")
        with Form(self.env["cks.certificate"].with_user(self.users["officer"])) as form:
            form.subscriber_id = self.sub_unit
            form.file = self.b64(self.issue("Trần Thị Bình", serial=0xF0F1))
            self.assertEqual(form.key_usage_label, "Digital signature, Non-repudiation (content commitment)")
        # RFC 5280 names and unknown values as they are
        manual = self.make_certificate(self.sub_unit, 0xF0F2, key_usage="keyEncipherment, cRLSign, 1.2.3.4")
        self.assertEqual(manual.key_usage_label, "Key encipherment, CRL signing, 1.2.3.4")
        # typed on a certificate registered without a file: labels (any case) become codes
        manual.key_usage_label = "digital signature,  Key agreement, 1.2.3.4"
        self.assertEqual(manual.key_usage, "digital_signature, key_agreement, 1.2.3.4")
        # the file decides for an uploaded certificate
        cert.key_usage_label = "Key agreement"
        self.assertEqual(cert.key_usage, "digital_signature, content_commitment")

    def test_not_a_certificate_stores_nothing(self):
        before = self._counts()
        for junk in (b"hello", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", bytes(range(256))):
            with self.subTest(junk=junk[:10]):
                with self.assertRaises(UserError) as caught:
                    self._upload(junk)
                self.assertIn("not an X.509 certificate", str(caught.exception))
        self.assertEqual(self._counts(), before)

    def test_private_key_refused_and_never_stored(self):
        before = self._counts()
        key_pem = cert_factory.private_key_pem(self.pki.leaf_key)
        for data in (key_pem, self.issue(pem=True) + key_pem):
            with self.subTest(size=len(data)):
                with self.assertRaises(UserError) as caught:
                    self._upload(data, name="an.pem")
                self.assertIn("private key", str(caught.exception))
                self.assertIn("not stored", str(caught.exception))
        self.assertEqual(self._counts(), before)
        self.assertFalse(
            self.env["mail.message"].search([("body", "ilike", "PRIVATE KEY")]), "the key leaked into a message"
        )

    def test_expired_and_not_yet_valid_are_accepted_but_flagged(self):
        expired = self._upload(self.issue(serial=0xE1, days_before=800, days_after=-5))
        self.assertEqual(expired.state, "expired")
        self.assertFalse(expired.renewal_allowed)
        future = self._upload(self.issue(serial=0xE2, days_before=-10, days_after=365))
        self.assertEqual(future.state, "valid")
        self.assertTrue(future.not_yet_valid)
        self.assertFalse(expired.not_yet_valid)

    def test_duplicate_serial_from_same_issuer_refused(self):
        self._upload(self.issue(serial=0xD1))
        with self.assertRaises(ValidationError) as caught:
            self._upload(self.issue(serial=0xD1), self.sub_unit)
        self.assertIn("already registered", str(caught.exception))
        other_issuer = self.make_certificate(self.sub_unit, 0xD1)  # same serial, another issuer: fine
        self.assertEqual(other_issuer.serial, "D1")
        twice = {
            "subscriber_id": self.sub_unit.id,
            "serial": "D2",
            "issuer": "CN=X",
            "valid_from": "2025-01-01",
            "valid_to": "2027-01-01",
        }
        with self.assertRaises(ValidationError):
            self.env["cks.certificate"].create([twice, dict(twice)])
        self.assertFalse(self.env["cks.certificate"].search([("serial", "=", "D2")]))

    def test_validity_rules_flags(self):
        long_new = self.make_certificate(self.sub_own, 0xF1, days_after=6 * 365)
        self.assertTrue(long_new.exceeds_max_validity)
        ok_new = self.make_certificate(self.sub_own, 0xF2, days_after=4 * 365)
        self.assertFalse(ok_new.exceeds_max_validity)
        long_renewal = self.make_certificate(self.sub_own, 0xF3, days_after=4 * 365, issue_type="renewal")
        self.assertTrue(long_renewal.exceeds_max_validity)
        late = self.make_certificate(self.sub_own, 0xF4, days_after=59)
        self.assertFalse(late.renewal_allowed)
        self.assertIn("fewer than 60 days", late.renewal_note)
        renewed = self.make_certificate(self.sub_own, 0xF5, days_after=300, renewal_count=1)
        self.assertFalse(renewed.renewal_allowed)
        self.assertIn("already renewed once", renewed.renewal_note)

    def test_state_changes_only_through_actions(self):
        cert = self.make_certificate(self.sub_own, 0xC1)
        with self.assertRaises(UserError):
            cert.write({"state": "revoked"})
        self.assertEqual(cert.state, "valid")
        cert.action_suspend()
        self.assertEqual(cert.state, "suspended")
        with self.assertRaises(UserError) as caught:
            cert.action_suspend()
        self.assertIn("cannot become", str(caught.exception))
        cert.action_resume()
        cert.action_revoke()
        self.assertEqual(cert.state, "revoked")
        for action in (cert.action_resume, cert.action_suspend, cert.action_revoke):
            with self.assertRaises(UserError):
                action()
        self.assertEqual(cert.state, "revoked")

    def test_uploaded_data_cannot_be_edited_beside_the_file(self):
        cert = self._upload(self.issue(serial=0xC2))
        with self.assertRaises(UserError):
            cert.serial = "FFFF"

    def test_nightly_cron_expires_past_certificates_only(self):
        live = self.make_certificate(self.sub_own, 0x51, days_after=10)
        suspended = self.make_certificate(self.sub_own, 0x52, days_after=5)
        suspended.action_suspend()
        revoked = self.make_certificate(self.sub_own, 0x53, days_after=5)
        revoked.action_revoke()
        with freeze_time(fields.Datetime.now() + dt.timedelta(days=7)):
            self.env["cks.certificate"]._cron_expire(batch_size=1)
        self.assertEqual((live.state, suspended.state, revoked.state), ("valid", "expired", "revoked"))
        with freeze_time(fields.Datetime.now() + dt.timedelta(days=11)):
            self.env["cks.certificate"]._cron_expire()
        self.assertEqual(live.state, "expired")
        self.assertEqual(live.state_reason, "Validity period ended")

    def test_expiry_reminders_90_60_30_without_duplicates(self):
        Cert = self.env["cks.certificate"]
        activity_type = self.env.ref("cks_subscriber.mail_activity_type_expiry")
        cert = self.make_certificate(self.sub_unit, 0x61, days_after=100)
        far = self.make_certificate(self.sub_unit, 0x62, days_after=400)

        def reminders(record):
            return record.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

        mails_before = self.env["mail.mail"].search_count([])
        now = fields.Datetime.now()
        for day, expected_stage, expected_count in ((5, 0, 0), (12, 90, 1), (13, 90, 1), (45, 60, 2), (75, 30, 3)):
            with self.subTest(day=day), freeze_time(now + dt.timedelta(days=day)):
                Cert._cron_expiry_reminders()
                Cert._cron_expiry_reminders()  # a re-run adds nothing
                self.assertEqual(cert.reminder_stage, expected_stage)
                self.assertEqual(len(reminders(cert)), expected_count)
        self.assertEqual(reminders(cert)[:1].user_id, self.users["officer"])
        self.assertFalse(reminders(far))
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before, "no e-mail per reminder")

    def test_reminder_without_any_officer_goes_to_the_administrator(self):
        cert = self.make_certificate(self.sub_other, 0x63, days_after=20)  # nobody in charge up the tree
        self.env["cks.certificate"]._cron_expiry_reminders()
        self.assertEqual(cert.activity_ids.user_id, self.env.ref("base.user_admin"))
