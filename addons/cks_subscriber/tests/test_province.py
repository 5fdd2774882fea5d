from psycopg2 import IntegrityError

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestProvince(TransactionCase):
    def test_five_seed_presets_with_their_values(self):
        presets = self.env["cks.province.preset"].search([])
        self.assertEqual(len(presets), 5)
        dien_bien = self.env.ref("cks_subscriber.preset_dien_bien")
        # QĐ 29/2021 Điện Biên, Điều 19.1-19.2 and 27.6
        self.assertEqual(
            (dien_bien.handback_subscriber_days, dien_bien.handback_ca_days, dien_bien.incident_hours), (3, 2, 24)
        )
        ha_tinh = self.env.ref("cks_subscriber.preset_ha_tinh")  # QĐ 19/2020 Hà Tĩnh, Điều 13.1
        self.assertEqual((ha_tinh.report_h1_day, ha_tinh.report_h1_month), (17, 6))
        self.assertEqual((ha_tinh.report_year_day, ha_tinh.report_year_month), (17, 12))
        bac_ninh = self.env.ref("cks_subscriber.preset_bac_ninh")  # QĐ 09/2023 Bắc Ninh, Điều 14.8, 5.3
        self.assertEqual((bac_ninh.report_h1_day, bac_ninh.report_h1_month), (15, 5))
        # "báo ngay" (immediately) is not the same as an act that states no time (Vĩnh Phúc Điều 7.3)
        self.assertEqual(
            [
                self.env.ref(f"cks_subscriber.preset_{code}").incident_notice
                for code in ("ha_tinh", "vinh_phuc", "dien_bien")
            ],
            ["immediately", "not_stated", "within_hours"],
        )
        self.assertEqual(bac_ninh.incident_notice, "immediately")
        self.assertIn("Trung tâm", bac_ninh.focal_unit)

    def test_wizard_applies_a_preset_to_a_new_profile(self):
        Profile = self.env["cks.province.profile"]
        Profile.search([]).action_archive()
        self.assertFalse(Profile._get_current())
        preset = self.env.ref("cks_subscriber.preset_dien_bien")
        wizard = self.env["cks.province.preset.apply"].create({"preset_id": preset.id})
        wizard.action_apply()
        profile = Profile._get_current()
        self.assertEqual(profile.name, "Điện Biên")
        self.assertEqual(profile.preset_id, preset)
        for field in ("authority", "focal_unit", "handback_ca_days", "incident_notice", "incident_hours", "legal_act"):
            self.assertEqual(profile[field], preset[field], field)

    def test_wizard_overwrites_the_current_profile(self):
        profile = self.env["cks.province.profile"]._get_current() or self.env["cks.province.profile"].create(
            {"name": "Tỉnh cũ"}
        )
        self.env["cks.province.preset.apply"].create(
            {"preset_id": self.env.ref("cks_subscriber.preset_bac_ninh").id}
        ).action_apply()
        self.assertEqual(self.env["cks.province.profile"].search_count([]), 1)
        self.assertEqual(profile.name, "Bắc Ninh")
        self.assertEqual((profile.report_year_day, profile.report_year_month), (15, 11))

    def test_only_one_active_profile(self):
        Profile = self.env["cks.province.profile"]
        if not Profile._get_current():
            Profile.create({"name": "Hà Tĩnh"})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            Profile.create({"name": "Bắc Giang"})
            self.env.flush_all()

    def test_impossible_report_date_refused(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["cks.province.preset"].create({"name": "X", "report_h1_day": 32, "report_h1_month": 6})
            self.env.flush_all()
