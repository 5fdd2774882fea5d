from . import cks_signature
from . import cks_signing_service
from . import cks_signed_document
from . import cks_handover
from . import cks_request_batch
from . import cks_demo_story
from . import cks_signature_check
from . import cks_signing_request
