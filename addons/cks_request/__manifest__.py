{
    "name": "CKS: Certification Requests",
    "summary": "Requests to the CA (new, renewal, change, revocation, device recovery and restoration) through the managing body",
    "version": "19.0.1.0.0",
    "category": "Digital Signatures",
    "author": "CKS",
    "license": "LGPL-3",
    "depends": ["cks_token_asset"],
}
