"""Encryption of platform tokens at rest: AES-256-GCM, stored as hex ``iv:ciphertext:authTag``.

The format is the clip app's Node.js module's (12-byte IV, 16-byte tag), so each can read what the
other wrote. ``PLATFORM_TOKEN_SECRET`` (32 bytes, hex) encrypts; it and every key in
``PLATFORM_TOKEN_SECRET_PREVIOUS`` decrypt, so keys can be rotated with ``autopost rotate-tokens``.
Errors never carry the plaintext or the ciphertext.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

IV_BYTES = 12
TAG_BYTES = 16


class CryptoError(Exception):
    """A value could not be encrypted or decrypted (bad key, tampered or malformed value)."""


class KeyNotConfigured(CryptoError):
    pass


def _parse_key(hex_key: str, name: str) -> bytes:
    try:
        key = bytes.fromhex(hex_key.strip())
    except ValueError:
        raise CryptoError(f"{name} must be 64 hexadecimal characters (32 bytes)") from None
    if len(key) != 32:
        raise CryptoError(f"{name} must be 32 bytes (64 hex characters), got {len(key)} bytes")
    return key


def current_key() -> bytes:
    if not settings.PLATFORM_TOKEN_SECRET:
        raise KeyNotConfigured("PLATFORM_TOKEN_SECRET is not configured")
    return _parse_key(settings.PLATFORM_TOKEN_SECRET, "PLATFORM_TOKEN_SECRET")


def decryption_keys() -> list[bytes]:
    keys = [current_key()]
    for index, hex_key in enumerate(settings.PLATFORM_TOKEN_SECRET_PREVIOUS):
        keys.append(_parse_key(hex_key, f"PLATFORM_TOKEN_SECRET_PREVIOUS[{index}]"))
    return keys


def encrypt(plaintext: str, key: bytes | None = None) -> str:
    iv = os.urandom(IV_BYTES)
    sealed = AESGCM(key or current_key()).encrypt(iv, plaintext.encode("utf-8"), None)
    ciphertext, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    return f"{iv.hex()}:{ciphertext.hex()}:{tag.hex()}"


def _split(value: str) -> tuple[bytes, bytes, bytes]:
    parts = value.split(":")
    if len(parts) != 3:
        raise CryptoError("Encrypted value is malformed: expected iv:ciphertext:authTag")
    try:
        iv, ciphertext, tag = (bytes.fromhex(part) for part in parts)
    except ValueError:
        raise CryptoError("Encrypted value is malformed: parts must be hexadecimal") from None
    if len(iv) != IV_BYTES or len(tag) != TAG_BYTES:
        raise CryptoError("Encrypted value is malformed: wrong IV or auth tag length")
    return iv, ciphertext, tag


def decrypt_with(value: str, keys: list[bytes]) -> tuple[str, int]:
    """Plaintext and the index of the key that opened it (0 = current key)."""
    iv, ciphertext, tag = _split(value)
    for index, key in enumerate(keys):
        try:
            plain = AESGCM(key).decrypt(iv, ciphertext + tag, None)
        except InvalidTag:
            continue
        try:
            return plain.decode("utf-8"), index
        except UnicodeDecodeError:
            # The error's repr would carry the plaintext bytes.
            raise CryptoError("Decrypted value is not UTF-8 text") from None
    raise CryptoError(
        "Encrypted value could not be decrypted: wrong key or the value was tampered with"
    )


def decrypt(value: str, key: bytes | None = None) -> str:
    return decrypt_with(value, [key] if key else decryption_keys())[0]


def needs_rotation(value: str) -> bool:
    """True when the value opens only with a previous key."""
    return decrypt_with(value, decryption_keys())[1] != 0
