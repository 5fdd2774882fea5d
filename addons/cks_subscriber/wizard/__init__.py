from . import cks_province_preset_apply
from . import base_import
