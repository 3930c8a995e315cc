"""Encryption at rest for sensitive fields (citizens' contacts, reports)."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken


class FieldCipher:
    """Encrypts and decrypts small text fields with a Fernet key."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())

    def encrypt(self, text: str) -> bytes:
        """Ciphertext of ``text``."""
        return self._fernet.encrypt(text.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        """Plain text of ``token``; raises ValueError when the key does not match."""
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken as exc:
            raise ValueError("cannot decrypt: wrong encryption key") from exc
