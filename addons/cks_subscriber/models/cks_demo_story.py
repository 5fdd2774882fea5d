from odoo import api, models


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
    def _tell_subscriber_story(self):
        """Hà Tĩnh sets its profile from the preset of its regulation (QĐ 19/2020 Hà Tĩnh)."""
        admin = self._user("user_demo_quantri")
        wizard = (
            self.env["cks.province.preset.apply"]
            .with_user(admin)
            .create({"preset_id": self.env.ref("cks_subscriber.preset_ha_tinh").id})
        )
        wizard.action_apply()
