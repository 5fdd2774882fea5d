# Odoo loads this module as ``odoo.addons.cks_signing``. The signing agent runs on a signer's
# computer without Odoo (``python -m cks_signing.lib.signing_agent``) and imports only ``lib``.
if __name__.startswith("odoo.addons."):
    from . import controllers
    from . import models
    from . import wizard
