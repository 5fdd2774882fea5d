from . import cks_form_template
from . import cks_form_print
from . import cks_form_reports
from . import cks_handover
from . import cks_loss_report
