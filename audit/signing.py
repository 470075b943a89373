"""The server's Ed25519 signing key for audit checkpoints (and, later, export manifests).

The key comes from `CHARTER_AUDIT_SIGNING_KEY` (the 32-byte private seed, base64). Without it,
a key is derived from SECRET_KEY, so a quickstart signs too; a deployment sets its own, kept
like SECRET_KEY, so that rotating one does not change the other. Its public half is published
at /.well-known/charter-audit-key.json for auditors to verify offline.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings

DERIVATION_LABEL = b"charter-audit-checkpoint-key:v1:"


@cache
def private_key() -> Ed25519PrivateKey:
    configured = getattr(settings, "CHARTER_AUDIT_SIGNING_KEY", "")
    if configured:
        seed = base64.b64decode(configured)
        if len(seed) != 32:
            raise ValueError("CHARTER_AUDIT_SIGNING_KEY must be 32 bytes, base64-encoded")
    else:
        seed = hashlib.sha256(DERIVATION_LABEL + settings.SECRET_KEY.encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_bytes(key: Ed25519PublicKey | None = None) -> bytes:
    key = key or private_key().public_key()
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey | None = None) -> str:
    """A short name of the public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_key_bytes(key)).hexdigest()[:16]


def public_key_pem() -> str:
    return (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def sign(message: bytes) -> str:
    return private_key().sign(message).hex()


def verify(message: bytes, signature_hex: str, public_key: bytes | None = None) -> bool:
    """Does the signature match the message under the given raw public key (default ours)?"""
    key = Ed25519PublicKey.from_public_bytes(public_key or public_key_bytes())
    try:
        key.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True
