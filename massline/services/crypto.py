"""Encryption at rest for sensitive fields (citizens' contacts, reports).

The ``cryptography`` library is imported when a field is first encrypted or
decrypted, not when the platform starts: a command that reads no sensitive
field does not load it (``tests/cli/test_startup.py``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.fernet import Fernet


class FieldCipher:
    """Encrypts and decrypts small text fields with a Fernet key."""

    def __init__(self, key: str) -> None:
        try:  # the check Fernet makes, here, so that a wrong key fails at start-up
            valid = len(base64.urlsafe_b64decode(key.encode())) == 32
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            raise ValueError("Fernet key must be 32 url-safe base64-encoded bytes.")
        self._key = key
        self._fernet: Fernet | None = None
        # a key of its own for blind indexes, derived from the encryption key (never the key itself)
        self._index_key = hmac.new(key.encode(), b"massline blind index v1", hashlib.sha256).digest()

    def _cipher(self) -> Fernet:
        if self._fernet is None:
            from cryptography.fernet import Fernet

            self._fernet = Fernet(self._key.encode())
        return self._fernet

    def encrypt(self, text: str) -> bytes:
        """Ciphertext of ``text``."""
        return self._cipher().encrypt(text.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        """Plain text of ``token``; raises ValueError when the key does not match."""
        from cryptography.fernet import InvalidToken

        try:
            return self._cipher().decrypt(token).decode("utf-8")
        except InvalidToken as exc:
            raise ValueError("cannot decrypt: wrong encryption key") from exc

    def blind_index(self, text: str) -> str:
        """A keyed hash (HMAC-SHA256) of ``text`` for finding an encrypted value without decrypting:
        equal texts give equal indexes, and without the key nobody can test a guess."""
        return hmac.new(self._index_key, text.encode("utf-8"), hashlib.sha256).hexdigest()
