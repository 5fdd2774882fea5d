from . import cks_token_transition
from . import cks_handover_refuse
from . import cks_custody_anchor_check
from . import cks_custody_register_import
