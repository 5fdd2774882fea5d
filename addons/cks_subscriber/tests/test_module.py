from odoo.tests import TransactionCase, tagged

from .common import CksModuleChecks


@tagged("post_install", "-at_install")
class TestModule(CksModuleChecks, TransactionCase):
    module = "cks_subscriber"
