import base64

from odoo import api, fields, models


class CksSigningAgentSetup(models.TransientModel):
    """How a signer sets up the CKS signing agent on the computer where their token is plugged
    in: the configuration file (this Odoo's origin and the public key of its request tokens;
    nothing secret) and the command that starts the agent."""

    _name = "cks.signing.agent.setup"
    _description = "Signing Agent Set-up"

    config_file = fields.Binary("Configuration File", compute="_compute_config", readonly=True)
    config_name = fields.Char(default="cks-agent.json", readonly=True)
    origin = fields.Char("Odoo Address Accepted", compute="_compute_config")
    command = fields.Text(compute="_compute_config")

    @api.depends_context("uid")
    def _compute_config(self):
        Service = self.env["cks.signing.service"]
        config = Service._agent_config()
        for setup in self:
            setup.config_file = base64.b64encode(config.encode())
            setup.origin = Service._origin()
            setup.command = (
                "pip install PyKCS11==1.5.20 cryptography\n"
                "PYTHONPATH=<folder holding cks_signing> python3 -m cks_signing.lib.signing_agent "
                "--config cks-agent.json --module <the token's PKCS#11 module, e.g. /usr/lib/libeToken.so>"
            )
