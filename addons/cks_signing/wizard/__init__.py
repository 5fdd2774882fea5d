from . import cks_signing_agent_setup
