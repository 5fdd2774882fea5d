from . import cks_province_preset_apply
