"""A real SoftHSM2 store for the Odoo tests of this process, and a test case whose giver and
receiver hold tokens with keys generated on them and certificates registered in CKS."""

import base64
import itertools
import tempfile

from cryptography.hazmat.primitives import serialization

from odoo import Command

from odoo.addons.cks_request.tests.request_common import RequestCase

from ..lib import pkcs11_connector as pk
from ..lib import softhsm_store as hsm
from ..models.cks_signing_service import PARAM_MODULE, PARAM_TRUST_ROOTS

# SoftHSM2 sees the tokens that exist when it is first loaded in a process, and reads its
# configuration then: one store per process, its tokens made before anything loads the module
TOKENS = {"giver": "246810", "receiver": "135790", "stranger": "112233", "seal": "445566"}
_STORE = {}
_labels = itertools.count(1)


def shared_store():
    if not _STORE:
        path = hsm.softhsm_module()
        if not path:
            raise RuntimeError("SoftHSM2 is not installed (Debian package softhsm2: make setup installs it)")
        store = hsm.SoftHsmStore(tempfile.mkdtemp(prefix="cks-softhsm-odoo-"))
        for label, pin in TOKENS.items():
            store.init_token(label, pin)
        store.use()
        _STORE.update(store=store, module=pk.Pkcs11Module(path), ca=hsm.TestCa(), path=path)
    return _STORE


class SigningCase(RequestCase):
    """RequestCase with the server's signing set up on SoftHSM2: the custodian (giver) and the
    officer (receiver) each have a token holding a key and the certificate registered for them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        shared = shared_store()
        cls.module, cls.ca = shared["module"], shared["ca"]
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param(PARAM_MODULE, shared["path"])
        params.set_param(PARAM_TRUST_ROOTS, cls.ca.certificate.public_bytes(serialization.Encoding.PEM).decode())
        cls.serials = {token.label: token.serial for token in cls.module.tokens()}
        Subscriber = cls.env["cks.subscriber"]
        cls.signers = {}
        for role, user in (("giver", cls.users["custodian"]), ("receiver", cls.users["officer"])):
            subscriber = Subscriber.create({"name": user.name, "body_id": cls.dept_a.id, "user_id": user.id})
            cls.signers[role] = cls.register_key(role, subscriber, user.name)

    @classmethod
    def register_key(cls, token, subscriber, name):
        """A key generated on ``token`` and its certificate, registered on ``subscriber``."""
        label = f"key-{next(_labels)}"
        public = hsm.generate_key(cls.module, token, TOKENS[token], label.encode(), label)
        certificate = cls.ca.issue(public, name, organization="Sở Thông tin và Truyền thông")
        hsm.store_certificate(cls.module, token, TOKENS[token], label.encode(), label, certificate)
        return cls.env["cks.certificate"].create(
            {
                "subscriber_id": subscriber.id,
                "file": base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)),
                "file_name": f"{label}.cer",
            }
        )

    def submitted_handover(self):
        handover = (
            self.env["cks.handover"]
            .with_user(self.users["custodian"])
            .create(
                {
                    "place": "Phòng Văn thư",
                    "receiver_id": self.users["officer"].id,
                    "line_ids": [Command.create({"token_id": self.token_a.id})],
                }
            )
        )
        handover.action_submit()
        return handover
