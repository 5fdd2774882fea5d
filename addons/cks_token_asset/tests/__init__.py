from . import test_module
from . import test_token
from . import test_custody_chain
from . import test_token_access
from . import test_handover
from . import test_loss_report
from . import test_stocktake
