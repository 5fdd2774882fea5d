import base64
import io
import math
import os
import shutil

from cryptography.hazmat.primitives import serialization
from PIL import Image, ImageDraw, ImageFont

from odoo import api, models
from odoo.tools import config

from ..lib import pkcs11_connector as pk
from ..lib import softhsm_store as hsm
from .cks_signing_service import PARAM_MODULE, PARAM_SOFTHSM_CONF, PARAM_TRUST_ROOTS

# The demo's tokens (SoftHSM2, made at install) and their PIN, printed in the README: demo only.
DEMO_PIN = "123456"
# token label: (demo user, the xmlid of the subscriber whose certificate it holds)
DEMO_TOKENS = {
    "hieupv": ("user_demo_hieupv", None),
    "vanthu.vp": ("user_demo_vanthu_vp", None),
    "thutruong": ("user_demo_thutruong", None),
    "stttt-seal": ("user_demo_vanthu", "cks_subscriber.sub_ht_org_stttt"),
}


class CksDemoStory(models.AbstractModel):
    _inherit = "cks.demo.story"

    @api.model
    def _demo_softhsm_store(self):
        """The demo's SoftHSM2 store, beside the database's filestore (data_dir/cks-softhsm/<db>),
        made anew with the database (a store left by a database of the same name goes)."""
        directory = os.path.join(config["data_dir"], "cks-softhsm", self.env.cr.dbname)
        shutil.rmtree(directory, ignore_errors=True)
        return hsm.SoftHsmStore(directory)

    @api.model
    def _tell_signing_story(self):
        """Signing in the demo province: each signer's key on a token (SoftHSM2, the demo's stand-in
        for the USB tokens), with a certificate from a demo CA registered on their subscriber
        record; Bùi Thị Mai (văn thư of the Văn phòng) hands a device to Phan Văn Hiếu and both sign
        the Mẫu 14; the
        head of the Sở signs its draft letter to the CA, and its clerk adds the Sở's signature."""
        path = hsm.softhsm_module()
        if not path:
            return  # SoftHSM2 is not installed: the demo has no signatures (make setup installs it)
        self._speak_vietnamese(["cks_subscriber", "cks_token_asset", "cks_request", "cks_report", "cks_signing"])
        loaded = pk.is_loaded(path)  # SoftHSM2 already loaded in this process: its store stays
        store = None if loaded else self._demo_softhsm_store()
        if not loaded:
            for label in DEMO_TOKENS:
                store.init_token(label, DEMO_PIN)
            store.use()
        module = pk.Pkcs11Module(path)
        ca = hsm.TestCa("CA chuyên dùng Chính phủ (demo CKS)")
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(PARAM_MODULE, path)
        params.set_param(PARAM_SOFTHSM_CONF, os.environ.get("SOFTHSM2_CONF") or str(store.conf))
        params.set_param(PARAM_TRUST_ROOTS, ca.certificate.public_bytes(serialization.Encoding.PEM).decode())
        present = {token.label: token for token in module.tokens()}
        serials = {}
        for label, (user_xmlid, subscriber_xmlid) in DEMO_TOKENS.items():
            if label not in present:
                return  # a store made before (another database in this process): no demo signatures
            serials[label] = present[label].serial
            user = self._user(user_xmlid)
            subscriber = (
                self.env.ref(subscriber_xmlid)
                if subscriber_xmlid
                else self.env["cks.subscriber"].search([("user_id", "=", user.id)], limit=1)
            )
            certificate = subscriber.certificate_ids.filtered(lambda cert: cert.state == "valid")[:1]
            key_id = f"demo-{label}".encode()
            public = hsm.generate_key(module, label, DEMO_PIN, key_id, label)
            issued = ca.issue(public, subscriber.name, organization=subscriber.body_id.name or "")
            hsm.store_certificate(module, label, DEMO_PIN, key_id, label, issued)
            # the CA's certificate file uploaded on the subscriber's registered certificate
            self._as("user_demo_quantri", certificate).write(
                {
                    "file": base64.b64encode(issued.public_bytes(serialization.Encoding.DER)),
                    "file_name": f"{label}.cer",
                }
            )
        seal = self.env.ref("cks_subscriber.sub_ht_org_stttt")
        self._as("user_demo_quantri", seal).write({"stamp_image": base64.b64encode(demo_seal(seal.body_id.name))})
        self._sign_demo_handover(serials)
        self._sign_demo_letter(serials)
        self.env["cks.signing.service"]._agent_key()  # the key of the agent's request tokens (make agent)

    @api.model
    def _sign_demo_handover(self, serials):
        device = self.env["cks.token"].search(
            [("custodian_id", "=", self._user("user_demo_vanthu_vp").id), ("state", "=", "assigned")],
            order="serial desc",
            limit=1,
        )
        handover = self._as("user_demo_vanthu_vp", "cks.handover").create(
            {
                "place": "Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh",
                "receiver_id": self._user("user_demo_hieupv").id,
                "line_ids": [(0, 0, {"token_id": device.id, "remarks": "Thiết bị dự phòng cho Chánh Văn phòng"})],
            }
        )
        handover.action_submit()
        handover.action_cks_sign(serials["vanthu.vp"], DEMO_PIN)
        self._as("user_demo_hieupv", handover).action_cks_sign(serials["hieupv"], DEMO_PIN)

    @api.model
    def _sign_demo_letter(self, serials):
        letter = self.env["cks.request.batch"].search(
            [("state", "=", "draft"), ("body_id.head_user_id", "=", self._user("user_demo_thutruong").id)], limit=1
        )
        if not letter:
            return
        self._as("user_demo_thutruong", letter).action_cks_sign_head(serials["thutruong"], DEMO_PIN)
        self._as("user_demo_vanthu", letter).action_cks_seal(
            serials["stttt-seal"], DEMO_PIN, declaration="personal_signature"
        )


def demo_seal(name):
    """A round red seal for the demo (PNG): two rings, a star, the body's name across. Demo only: a
    real seal image is scanned from the body's seal and uploaded on its organisation subscriber."""
    size, red = 400, (200, 16, 32, 255)
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=14)
    draw.ellipse((48, 48, size - 48, size - 48), outline=red, width=5)
    center, outer, inner = size / 2, 50, 20
    draw.polygon(
        [
            (
                center + (outer if i % 2 == 0 else inner) * math.sin(i * math.pi / 5),
                center - 62 - (outer if i % 2 == 0 else inner) * math.cos(i * math.pi / 5),
            )
            for i in range(10)
        ],
        fill=red,
    )
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 22)
    lines = [""]
    for word in name.upper().split():
        if lines[-1] and len(lines[-1]) + len(word) >= 16:
            lines.append("")
        lines[-1] = f"{lines[-1]} {word}".strip()
    for number, line in enumerate(lines[:4]):
        draw.text((center, center + 10 + 28 * number), line, font=font, fill=red, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
