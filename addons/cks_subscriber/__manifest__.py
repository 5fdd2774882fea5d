{
    "name": "CKS: Subscribers and Certificates",
    "summary": "Government specialised digital signatures: roles, managing bodies, "
    "subscribers and certificates of a province",
    "version": "19.0.1.1.0",
    "category": "Digital Signatures",
    "author": "CKS",
    "license": "LGPL-3",
    "depends": ["mail", "base_import", "base_install_request"],
    "data": [
        "security/cks_security.xml",
        "security/ir.model.access.csv",
        "security/cks_rules.xml",
        "data/cks_province_preset_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/cks_role_views.xml",
        "views/cks_body_views.xml",
        "views/cks_subscriber_views.xml",
        "views/cks_certificate_views.xml",
        "views/cks_province_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_users_views.xml",
        "views/cks_menus.xml",
    ],
    "demo": [
        "demo/cks_demo_company.xml",
        "demo/cks_demo_data.xml",
        "demo/cks_demo_users.xml",
        "demo/cks_demo_staff.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "cks_subscriber/static/tests/tours/**/*",
        ],
    },
    "application": True,
}
