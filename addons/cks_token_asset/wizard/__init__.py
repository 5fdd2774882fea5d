from . import cks_token_transition
