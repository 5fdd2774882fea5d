"""19.0.1.1.0: the incident window tells "immediately" from "not stated" (both were 0 before).

The presets are data loaded once (noupdate), so their new value is set here from the acts, and
each profile applied from a preset takes its preset's value; a profile with a window of hours
keeps it."""

NOTICES = {  # preset xml id: incident notice (see data/cks_province_preset_data.xml for the articles)
    "preset_ha_tinh": "immediately",
    "preset_vinh_phuc": "not_stated",
    "preset_bac_giang": "not_stated",
    "preset_bac_ninh": "immediately",
    "preset_dien_bien": "within_hours",
}


def migrate(cr, version):
    for xmlid, notice in NOTICES.items():
        cr.execute(
            """UPDATE cks_province_preset SET incident_notice = %s
                WHERE id = (SELECT res_id FROM ir_model_data WHERE module = 'cks_subscriber' AND name = %s)""",
            [notice, xmlid],
        )
    cr.execute("UPDATE cks_province_profile SET incident_notice = 'within_hours' WHERE incident_hours > 0")
    cr.execute(
        """UPDATE cks_province_profile profile SET incident_notice = preset.incident_notice
             FROM cks_province_preset preset
            WHERE profile.preset_id = preset.id AND profile.incident_hours = 0"""
    )
