from odoo.tests import TransactionCase, tagged

from odoo.addons.cks_subscriber.tests.common import CksModuleChecks


@tagged("post_install", "-at_install")
class TestModule(CksModuleChecks, TransactionCase):
    module = "cks_token_asset"
