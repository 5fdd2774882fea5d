from . import test_module
from . import test_handover_signing
from . import test_tours
from . import test_batch_signing
from . import test_demo_story
from . import test_signature_check
from . import test_agent_signing
from . import test_verify_page
