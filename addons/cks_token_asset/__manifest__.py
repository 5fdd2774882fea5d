{
    "name": "CKS: Key-Storage Devices",
    "summary": 'Key-storage devices (tokens) kept as "Mật" assets: custody chain, handovers (Mẫu 14), lost devices (Mẫu 15), stocktakes',
    "version": "19.0.1.2.0",
    "category": "Digital Signatures",
    "author": "CKS",
    "license": "LGPL-3",
    "depends": ["cks_subscriber"],
    "data": [
        "security/ir.model.access.csv",
        "security/cks_token_rules.xml",
        "data/cks_token_data.xml",
        "report/cks_stocktake_report.xml",
        "views/cks_token_views.xml",
        "views/cks_handover_views.xml",
        "views/cks_loss_report_views.xml",
        "views/cks_stocktake_views.xml",
        "views/cks_custody_anchor_views.xml",
        "views/cks_custody_register_import_views.xml",
    ],
    "demo": [
        "demo/cks_token_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "cks_token_asset/static/tests/tours/**/*",
        ],
    },
    "uninstall_hook": "uninstall_hook",
}
