"""Access per role and per model: read / create / write / unlink, allowed or denied as designed."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .cks_common import CksCase

YES, NO = True, False


@tagged("post_install", "-at_install")
class TestAccess(CksCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cert_own = cls.make_certificate(cls.sub_own, 0x7001)
        cls.cert_unit = cls.make_certificate(cls.sub_unit, 0x7002)
        cls.cert_other = cls.make_certificate(cls.sub_other, 0x7003)
        cls.sub_spare = cls.env["cks.subscriber"].create({"name": "Đỗ Thị Hoa", "body_id": cls.dept_b.id})
        cls.profile = cls.env["cks.province.profile"]._get_current() or cls.env["cks.province.profile"].create(
            {"name": "Hà Tĩnh"}
        )

    def _allowed(self, func):
        try:
            with self.env.cr.savepoint():
                func()
                self.env.flush_all()
        except AccessError:
            return False
        except UserError as error:  # a body outside the user's scope is refused by name
            self.assertIn("is outside your scope", str(error))
            return False
        return True

    def _check(self, role, expectations):
        user = self.users[role]
        for label, (expected, func) in expectations.items():
            with self.subTest(role=role, operation=label):
                self.assertEqual(self._allowed(lambda f=func: f(user)), expected, f"{role}: {label}")

    def _read(self, record):
        return lambda user: record.with_user(user).read(["name"])

    def _write(self, record, vals):
        return lambda user: record.with_user(user).write(vals)

    def _unlink(self, record):
        return lambda user: record.with_user(user).unlink()

    def _create(self, model, vals):
        return lambda user: self.env[model].with_user(user).create(vals)

    # --------------------------------------------------------------- certificates
    def _certificate_matrix(self, read_own, read_sub, read_other, write_sub, create_sub, create_other, unlink):
        return {
            "read own certificate": (read_own, self._read(self.cert_own)),
            "read a certificate of the subtree": (read_sub, self._read(self.cert_unit)),
            "read another body's certificate (by URL)": (read_other, self._read(self.cert_other)),
            "write in the subtree": (write_sub, self._write(self.cert_unit, {"key_usage": "digital_signature"})),
            "create in the subtree": (
                create_sub,
                self._create(
                    "cks.certificate",
                    {
                        "subscriber_id": self.sub_unit.id,
                        "serial": "ABC1",
                        "issuer": "CN=X",
                        "valid_from": "2025-01-01",
                        "valid_to": "2027-01-01",
                    },
                ),
            ),
            "create for another body": (
                create_other,
                self._create(
                    "cks.certificate",
                    {
                        "subscriber_id": self.sub_other.id,
                        "serial": "ABC2",
                        "issuer": "CN=X",
                        "valid_from": "2025-01-01",
                        "valid_to": "2027-01-01",
                    },
                ),
            ),
            "unlink": (unlink, self._unlink(self.cert_unit)),
        }

    def test_certificate_subscriber(self):
        self._check("subscriber", self._certificate_matrix(YES, NO, NO, NO, NO, NO, NO))

    def test_certificate_custodian(self):
        self._check("custodian", self._certificate_matrix(NO, NO, NO, NO, NO, NO, NO))

    def test_certificate_officer(self):
        self._check("officer", self._certificate_matrix(YES, YES, NO, YES, YES, NO, NO))

    def test_certificate_head(self):
        self._check("head", self._certificate_matrix(YES, YES, NO, YES, YES, NO, NO))

    def test_certificate_admin(self):
        self._check("admin", self._certificate_matrix(YES, YES, YES, YES, YES, YES, YES))

    def test_certificate_auditor(self):
        self._check("auditor", self._certificate_matrix(YES, YES, YES, NO, NO, NO, NO))

    # ---------------------------------------------------------------- subscribers
    def _subscriber_matrix(self, read_own, read_sub, read_other, write_sub, create_sub, create_other, unlink):
        return {
            "read own subscriber record": (read_own, self._read(self.sub_own)),
            "read a subscriber of the subtree": (read_sub, self._read(self.sub_unit)),
            "read another body's subscriber (by URL)": (read_other, self._read(self.sub_other)),
            "write in the subtree": (write_sub, self._write(self.sub_unit, {"position": "Chuyên viên"})),
            "create in the subtree": (
                create_sub,
                self._create("cks.subscriber", {"name": "Mới", "body_id": self.unit_a.id}),
            ),
            "create for another body": (
                create_other,
                self._create("cks.subscriber", {"name": "Mới", "body_id": self.dept_b.id}),
            ),
            "unlink": (unlink, self._unlink(self.sub_spare)),
        }

    def test_subscriber_subscriber(self):
        self._check("subscriber", self._subscriber_matrix(YES, NO, NO, NO, NO, NO, NO))

    def test_subscriber_custodian(self):
        self._check("custodian", self._subscriber_matrix(NO, NO, NO, NO, NO, NO, NO))

    def test_subscriber_officer(self):
        self._check("officer", self._subscriber_matrix(YES, YES, NO, YES, YES, NO, NO))

    def test_subscriber_head(self):
        self._check("head", self._subscriber_matrix(YES, YES, NO, YES, YES, NO, NO))

    def test_subscriber_admin(self):
        self._check("admin", self._subscriber_matrix(YES, YES, YES, YES, YES, YES, YES))

    def test_subscriber_auditor(self):
        self._check("auditor", self._subscriber_matrix(YES, YES, YES, NO, NO, NO, NO))

    # ------------------------------------------------------ bodies and province
    def _body_matrix(self, write_own, write_other, create_under_own, unlink, write_profile):
        return {
            "read any body": (YES, self._read(self.dept_b)),
            "write own body": (write_own, self._write(self.dept_a, {"code": "STTTT"})),
            "write another body": (write_other, self._write(self.dept_b, {"code": "STC"})),
            "create under own body": (
                create_under_own,
                self._create("cks.body", {"name": "Đơn vị mới", "parent_id": self.dept_a.id}),
            ),
            "unlink a body": (unlink, self._unlink(self.no_seal)),
            "read the province profile": (YES, self._read(self.profile)),
            "write the province profile": (write_profile, self._write(self.profile, {"incident_hours": 24})),
        }

    def test_body_subscriber(self):
        self._check("subscriber", self._body_matrix(NO, NO, NO, NO, NO))

    def test_body_custodian(self):
        self._check("custodian", self._body_matrix(NO, NO, NO, NO, NO))

    def test_body_officer(self):
        self._check("officer", self._body_matrix(YES, NO, YES, NO, NO))

    def test_body_head(self):
        self._check("head", self._body_matrix(YES, NO, YES, NO, NO))

    def test_body_admin(self):
        self._check("admin", self._body_matrix(YES, YES, YES, YES, YES))

    def test_body_auditor(self):
        self._check("auditor", self._body_matrix(NO, NO, NO, NO, NO))
