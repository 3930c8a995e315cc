"""Encryption at rest for sensitive fields (citizens' contacts, reports)."""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


class FieldCipher:
    """Encrypts and decrypts small text fields with a Fernet key."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())
        # a key of its own for blind indexes, derived from the encryption key (never the key itself)
        self._index_key = hmac.new(key.encode(), b"massline blind index v1", hashlib.sha256).digest()

    def encrypt(self, text: str) -> bytes:
        """Ciphertext of ``text``."""
        return self._fernet.encrypt(text.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        """Plain text of ``token``; raises ValueError when the key does not match."""
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken as exc:
            raise ValueError("cannot decrypt: wrong encryption key") from exc

    def blind_index(self, text: str) -> str:
        """A keyed hash (HMAC-SHA256) of ``text`` for finding an encrypted value without decrypting:
        equal texts give equal indexes, and without the key nobody can test a guess."""
        return hmac.new(self._index_key, text.encode("utf-8"), hashlib.sha256).hexdigest()
