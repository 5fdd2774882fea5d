{
    "name": "CKS: Subscribers and Certificates",
    "summary": "Government specialised digital signatures: roles, managing bodies, "
    "subscribers and certificates of a province",
    "version": "19.0.1.0.0",
    "category": "Digital Signatures",
    "author": "CKS",
    "license": "LGPL-3",
    "depends": ["mail"],
    "data": [
        "security/cks_security.xml",
        "views/cks_role_views.xml",
        "views/cks_menus.xml",
    ],
    "demo": [
        "demo/cks_demo_users.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "cks_subscriber/static/tests/tours/**/*",
        ],
    },
    "application": True,
}
