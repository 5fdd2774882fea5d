from . import test_module
from . import test_forms
from . import test_form_pdf
