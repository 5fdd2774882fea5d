from . import cks_custody_head
from . import cks_custody_event
from . import cks_token
from . import cks_custody_verification
from . import cks_handover
from . import cks_loss_report
from . import cks_stocktake
