"""A real SoftHSM2 store for the Odoo tests of this process, and a test case whose giver and
receiver hold tokens with keys generated on them and certificates registered in CKS."""

import base64
import itertools
import tempfile

from cryptography.hazmat.primitives import serialization

from odoo.addons.cks_request.tests.request_common import RequestCase

from ..lib import pkcs11_connector as pk
from ..lib import softhsm_store as hsm
from ..models.cks_demo_story import DEMO_PIN, DEMO_TOKENS
from ..models.cks_signing_service import PARAM_MODULE, PARAM_TRUST_ROOTS

# SoftHSM2 sees the tokens that exist when it is first loaded in a process, and reads its
# configuration then: one store per process, its tokens made before anything loads the module.
# When the demo loaded it first (its install runs before the tests), the demo's tokens serve.
ROLES = ("giver", "receiver", "stranger", "seal")
_STORE = {}
_labels = itertools.count(1)


def shared_store():
    """{"module", "ca", "path", "tokens": {role: (label, pin)}} for this process: the demo's tokens
    (made by its install when it ran first in this process, else made here alike), one per role in
    the order of their labels (giver: "hieupv", the tour's token), all with the demo's PIN."""
    if not _STORE:
        path = hsm.softhsm_module()
        if not path:
            raise RuntimeError("SoftHSM2 is not installed (Debian package softhsm2: make setup installs it)")
        if not pk.is_loaded(path):
            store = hsm.SoftHsmStore(tempfile.mkdtemp(prefix="cks-softhsm-odoo-"))
            for label in DEMO_TOKENS:
                store.init_token(label, DEMO_PIN)
            store.use()
        module = pk.Pkcs11Module(path)
        labels = sorted(token.label for token in module.tokens())[: len(ROLES)]
        tokens = {role: (label, DEMO_PIN) for role, label in zip(ROLES, labels, strict=True)}
        _STORE.update(module=module, ca=hsm.TestCa(), path=path, tokens=tokens)
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
        by_label = {token.label: token.serial for token in cls.module.tokens()}
        cls.tokens = shared["tokens"]
        cls.serials = {role: by_label[label] for role, (label, _pin) in cls.tokens.items()}
        cls.pins = {role: pin for role, (_label, pin) in cls.tokens.items()}
        Subscriber = cls.env["cks.subscriber"]
        cls.signers = {}
        for role, user in (("giver", cls.users["custodian"]), ("receiver", cls.users["officer"])):
            subscriber = Subscriber.create({"name": user.name, "body_id": cls.dept_a.id, "user_id": user.id})
            cls.signers[role] = cls.register_key(role, subscriber, user.name)

    @classmethod
    def register_key(cls, role, subscriber, name):
        """A key generated on the token of ``role`` and its certificate, registered on ``subscriber``."""
        token, pin = cls.tokens[role]
        label = f"key-{next(_labels)}"
        public = hsm.generate_key(cls.module, token, pin, label.encode(), label)
        certificate = cls.ca.issue(public, name, organization="Sở Thông tin và Truyền thông")
        hsm.store_certificate(cls.module, token, pin, label.encode(), label, certificate)
        return cls.env["cks.certificate"].create(
            {
                "subscriber_id": subscriber.id,
                "file": base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)),
                "file_name": f"{label}.cer",
            }
        )
