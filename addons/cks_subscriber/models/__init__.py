from . import cks_province_rules
from . import cks_province_preset
from . import cks_province_profile
from . import cks_body
from . import cks_subscriber
from . import cks_certificate
from . import res_users
from . import res_config_settings
