from passlib.context import CryptContext

from odoo import api, models

# The demo logins' passwords are their logins, published in the README: hashing them at Odoo's
# full strength (600,000 rounds, 0.3 s each on 2 cores) would add 5 s to the demo's install for
# nothing. They are hashed with few rounds, and Odoo hashes each again at full strength at its
# first login (passlib's verify_and_update in res.users._check_credentials). Demo data only.
DEMO_PASSWORD_HASH = CryptContext(["pbkdf2_sha512"], pbkdf2_sha512__rounds=6000)


class CksDemoStory(models.AbstractModel):
    """The demo province's life, told through the models' own steps by the people who take them.

    Each module adds its chapter (a method called from its demo data): a step is taken as the
    demo user whose role it is, with that user's rights, so that the demo shows what the product
    does and the custody chain verifies. Private methods: never callable by a client.
    """

    _name = "cks.demo.story"
    _description = "Demo Province Story"

    @api.model
    def _user(self, xmlid):
        return self.env.ref(f"cks_subscriber.{xmlid}") if "." not in xmlid else self.env.ref(xmlid)

    @api.model
    def _as(self, xmlid, records):
        """``records`` (or a model name) in the session of the demo user ``xmlid``: their rights,
        their language and time zone (what the steps write, e.g. activities, is in Vietnamese)."""
        user = self._user(xmlid)
        records = self.env[records] if isinstance(records, str) else records
        return records.with_user(user).with_context(lang=user.lang, tz=user.tz)

    @api.model
    def _set_demo_passwords(self):
        """Every demo login (``cks_subscriber.user_demo_*``) gets its login as password."""
        Users = self.env["res.users"]
        users = Users.browse(
            self.env["ir.model.data"]
            .search([("module", "=", "cks_subscriber"), ("model", "=", "res.users"), ("name", "=like", "user_demo_%")])
            .mapped("res_id")
        )
        for user in users:
            Users._set_encrypted_password(user.id, DEMO_PASSWORD_HASH.hash(user.login))

    @api.model
    def _speak_vietnamese(self, modules=None):
        """Load the Vietnamese of ``modules`` (default: every module installed so far) now: the
        demo users work in Vietnamese, Odoo loads a module's translations only after its demo
        data, and the story's records (the "created" messages naming the model) need them."""
        if modules is None:
            modules = self.env["ir.module.module"].search([("state", "in", ("installed", "to upgrade"))]).mapped("name")
        self.env["ir.module.module"]._load_module_terms(modules, ["vi_VN"])

    @api.model
    def _tell_subscriber_story(self):
        """Hà Tĩnh sets its profile from the preset of its regulation (QĐ 19/2020 Hà Tĩnh)."""
        self._speak_vietnamese(["cks_subscriber"])
        wizard = self._as("user_demo_quantri", "cks.province.preset.apply").create(
            {"preset_id": self.env.ref("cks_subscriber.preset_ha_tinh").id}
        )
        wizard.action_apply()
