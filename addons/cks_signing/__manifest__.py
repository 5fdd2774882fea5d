{
    "name": "CKS: Signing",
    "summary": "Signing handovers and requests with PKCS#11 tokens, and verifying signatures",
    "version": "19.0.1.0.0",
    "category": "Digital Signatures",
    "author": "CKS",
    "license": "LGPL-3",
    "depends": ["cks_report"],
    "external_dependencies": {"python": ["PyKCS11", "pyhanko", "fontTools"]},
}
