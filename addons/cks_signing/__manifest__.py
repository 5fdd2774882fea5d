{
    "name": "CKS: Signing",
    "summary": "Signing handovers and requests with PKCS#11 tokens, and verifying signatures",
    "version": "19.0.1.0.0",
    "category": "Digital Signatures",
    "author": "CKS",
    "license": "LGPL-3",
    "depends": ["cks_report"],
    "external_dependencies": {"python": ["PyKCS11", "pyhanko", "fontTools"]},
    "data": [
        "security/ir.model.access.csv",
        "security/cks_signing_rules.xml",
        "views/cks_signature_check_views.xml",
        "views/cks_handover_views.xml",
        "views/cks_request_batch_views.xml",
        "views/cks_signing_agent_views.xml",
        "views/cks_subscriber_views.xml",
        "views/cks_verify_templates.xml",
    ],
    "demo": [
        "demo/cks_signing_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "cks_signing/static/src/**/*",
        ],
        "web.assets_tests": [
            "cks_signing/static/tests/tours/**/*",
        ],
    },
}
