{
    "name": "CKS: Certification Requests",
    "summary": "Requests to the CA (new, renewal, change, revocation, device recovery and restoration) "
    "through the managing body, with working-day deadlines",
    "version": "19.0.1.0.0",
    "category": "Digital Signatures",
    "author": "CKS",
    "license": "LGPL-3",
    "depends": ["cks_token_asset", "resource"],
    "data": [
        "security/ir.model.access.csv",
        "security/cks_request_rules.xml",
        "data/cks_calendar_data.xml",
        "data/cks_request_data.xml",
        "data/cks_province_route_data.xml",
        "views/cks_request_wizard_views.xml",
        "views/cks_request_views.xml",
        "views/cks_request_batch_views.xml",
        "views/cks_token_views.xml",
        "views/cks_province_views.xml",
        "views/cks_request_menus.xml",
    ],
    "demo": [
        "demo/cks_request_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "cks_request/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
}
