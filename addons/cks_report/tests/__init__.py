from . import test_module
from . import test_forms
from . import test_form_pdf
from . import test_request_forms
from . import test_registers
from . import test_periodic_report
from . import test_demo_story
from . import test_batch_print
