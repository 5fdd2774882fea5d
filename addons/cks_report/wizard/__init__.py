from . import cks_periodic_report_wizard
from . import cks_register_export
