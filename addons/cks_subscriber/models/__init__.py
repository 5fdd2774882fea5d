from . import (
    cks_body,
    cks_certificate,
    cks_province_preset,
    cks_province_profile,
    cks_province_rules,
    cks_subscriber,
    res_config_settings,
    res_users,
)
