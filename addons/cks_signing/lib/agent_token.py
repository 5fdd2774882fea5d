"""Request tokens: Odoo's word that one signature may be made by the signing agent.

Plain Python, importable without Odoo (the agent on a signer's computer uses it).

Odoo signs each request with its Ed25519 key; the agent knows only the public half (from the
configuration file Odoo gives the signer), so a token cannot be forged on the signer's computer
or by a web page. A token names: the Odoo origin it was issued by, the document (title and
number, shown by the agent), the SHA-256 of the data to sign and the certificate whose key signs
it, its expiry and a unique id (the agent signs each id once: a replay is refused).
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import uuid

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VERSION = 1
LIFETIME = 300  # seconds: prepared, relayed and signed within five minutes
CLAIMS = ("v", "iss", "jti", "exp", "scope", "title", "number", "sha256", "certificate")
SIGN, LIST = "sign", "list"  # a token for one signature; a token for listing the certificates


class TokenRefused(Exception):
    """A request token the agent does not accept; ``code`` says why (forged, expired, ...)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def new_key():
    return Ed25519PrivateKey.generate()


def private_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key):
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def load_private(pem):
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def load_public(pem):
    key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(key, *, origin, title, number, sha256, certificate, lifetime=LIFETIME, now=None, scope=SIGN):
    """A token for one signature: ``sha256`` of the data the key signs, ``certificate`` the
    SHA-256 fingerprint (hex) of the certificate whose key signs it. Returns (token, claims)."""
    claims = {
        "v": VERSION,
        "iss": origin,
        "jti": uuid.uuid4().hex,
        "exp": int((now or time.time()) + lifetime),
        "scope": scope,
        "title": title,
        "number": number,
        "sha256": sha256,
        "certificate": certificate,
    }
    payload = _b64(json.dumps(claims, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{payload}.{_b64(key.sign(payload.encode()))}", claims


def issue_listing(key, *, origin, lifetime=LIFETIME, now=None):
    """A token that lets a page of ``origin`` list the certificates on the agent's tokens."""
    token, _claims = issue(
        key, origin=origin, title="", number="", sha256="", certificate="", lifetime=lifetime, now=now, scope=LIST
    )
    return token


def verify(public_key, token, *, origin, now=None, scope=SIGN):
    """The claims of ``token`` when Odoo's key signed it for ``origin`` and it has not expired;
    TokenRefused otherwise. Replays are the caller's to refuse (by ``jti``)."""
    try:
        payload, signature = token.split(".")
        public_key.verify(_unb64(signature), payload.encode())
    except (AttributeError, ValueError, binascii.Error, InvalidSignature):
        raise TokenRefused("forged", "The request token was not issued by the configured Odoo.") from None
    try:
        claims = json.loads(_unb64(payload))
    except ValueError:
        raise TokenRefused("forged", "The request token cannot be read.") from None
    if not isinstance(claims, dict) or any(name not in claims for name in CLAIMS) or claims["v"] != VERSION:
        raise TokenRefused("forged", "The request token cannot be read.")
    if claims["scope"] != scope:
        raise TokenRefused("scope", "The request token was issued for another kind of request.")
    if claims["iss"] != origin:
        raise TokenRefused("origin", "The request token was issued for another Odoo.")
    if claims["exp"] < (now or time.time()):
        raise TokenRefused("expired", "The request token has expired: sign again from Odoo.")
    return claims
