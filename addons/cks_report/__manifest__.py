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
        "data/cks_form_template_data.xml",
        "report/cks_form_layout.xml",
        "report/cks_form_reports.xml",
        "views/cks_form_template_views.xml",
    ],
}
