"""Test data shared by cks_subscriber's tests and those of the modules above it."""

import base64
import datetime as dt

from odoo.tests import TransactionCase, new_test_user

from odoo.addons.cks_subscriber.lib import cert_factory

ROLES = ("subscriber", "custodian", "officer", "head", "admin", "auditor")


class CksCase(TransactionCase):
    """Two departments, each with a unit; an officer and a head in department A; users for each role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        Body = cls.env["cks.body"]
        cls.province = Body.create({"name": "UBND tỉnh Thử nghiệm", "level": "province", "has_legal_personality": True})
        cls.dept_a = Body.create(
            {"name": "Sở Thông tin và Truyền thông", "parent_id": cls.province.id, "has_legal_personality": True}
        )
        cls.unit_a = Body.create(
            {"name": "Trường Cao đẳng Kỹ thuật", "parent_id": cls.dept_a.id, "has_legal_personality": True}
        )
        cls.dept_b = Body.create({"name": "Sở Tài chính", "parent_id": cls.province.id, "has_legal_personality": True})
        cls.no_seal = Body.create(
            {"name": "Phòng Công nghệ thông tin", "parent_id": cls.dept_a.id, "has_legal_personality": False}
        )
        cls.users = {}
        for role in ROLES:
            cls.users[role] = new_test_user(
                cls.env,
                login=f"t_{role}",
                name=f"Người dùng {role}",
                groups=f"cks_subscriber.group_cks_{role}",
                cks_body_id=cls.dept_a.id,
            )
        cls.dept_a.write({"officer_user_id": cls.users["officer"].id, "head_user_id": cls.users["head"].id})
        Subscriber = cls.env["cks.subscriber"]
        cls.sub_own = Subscriber.create(
            {"name": "Nguyễn Văn An", "body_id": cls.dept_a.id, "user_id": cls.users["subscriber"].id}
        )
        cls.sub_unit = Subscriber.create({"name": "Trần Thị Bình", "body_id": cls.unit_a.id})
        cls.sub_other = Subscriber.create({"name": "Lê Văn Cường", "body_id": cls.dept_b.id})
        cls.pki = cert_factory.make_pki()

    @classmethod
    def issue(cls, common_name="Nguyễn Văn An", serial=0x1001, days_before=30, days_after=3 * 365, pem=False):
        now = dt.datetime.now(dt.UTC)
        cert = cls.pki.issue(
            cert_factory.person_name(common_name),
            serial=serial,
            not_before=now - dt.timedelta(days=days_before),
            not_after=now + dt.timedelta(days=days_after),
        )
        return cert.public_bytes(cert_factory.PEM if pem else cert_factory.DER)

    @classmethod
    def make_certificate(cls, subscriber, serial, days_after=365, **vals):
        """A certificate registered without a file (as from the CA's list)."""
        now = dt.datetime.now()
        return cls.env["cks.certificate"].create(
            {
                "subscriber_id": subscriber.id,
                "serial": f"{serial:X}",
                "issuer": "CN=CA thử nghiệm,C=VN",
                "valid_from": now - dt.timedelta(days=10),
                "valid_to": now + dt.timedelta(days=days_after),
                **vals,
            }
        )

    @staticmethod
    def b64(data):
        return base64.b64encode(data)


class DemoMixin:
    """For the tests of the demo province: skipped on a database without demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref("cks_subscriber.user_demo_quantri", raise_if_not_found=False):
            cls.skipTest(cls, "the database has no demo data")

    @classmethod
    def _user(cls, login):
        return cls.env.ref(f"cks_subscriber.user_demo_{login}")
