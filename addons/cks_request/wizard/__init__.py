from . import cks_request_step
from . import cks_request_result
from . import cks_request_batch_send
