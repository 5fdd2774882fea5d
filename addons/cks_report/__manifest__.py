{
    "name": "CKS: Forms and Reports",
    "summary": "Forms of Thông tư 185/2019/TT-BQP as printed reports, registers and half-yearly reports",
    "version": "19.0.1.0.0",
    "category": "Digital Signatures",
    "author": "CKS",
    "license": "LGPL-3",
    "depends": ["cks_request"],
    "data": [
        "security/ir.model.access.csv",
        "security/cks_report_rules.xml",
        "data/cks_form_template_data.xml",
        "data/cks_periodic_report_data.xml",
        "data/cks_register_data.xml",
        "data/cks_request_form_data.xml",
        "report/cks_form_layout.xml",
        "report/cks_form_reports.xml",
        "report/cks_periodic_report_templates.xml",
        "report/cks_register_reports.xml",
        "wizard/cks_register_export_views.xml",
        "report/cks_request_reports.xml",
        "views/cks_form_template_views.xml",
        "views/cks_periodic_report_views.xml",
        "views/cks_dashboard_views.xml",
    ],
    "demo": [
        "demo/cks_report_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "cks_report/static/tests/tours/**/*",
        ],
    },
}
