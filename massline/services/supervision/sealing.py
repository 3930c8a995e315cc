"""The supervision channel's cryptography, all of it PyNaCl (libsodium): nothing home-made.

- A handler's key pair is an X25519 ``PrivateKey``; the private key is stored in a
  ``SecretBox`` (XSalsa20-Poly1305) whose key is argon2id(password, salt).
- Each report has a random 32-byte key; its content and entries are ``SecretBox``
  ciphertexts under it. The report key is stored only in ``SealedBox``es: one per
  recipient's public key, one to the reporter's public key, whose private key is
  argon2id(receipt secret, salt) — so the receipt secret alone reopens it.
"""

from __future__ import annotations

import json
from typing import Any

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils
from nacl.public import PrivateKey, PublicKey, SealedBox

KEY_BYTES = nacl.secret.SecretBox.KEY_SIZE
SALT_BYTES = nacl.pwhash.argon2id.SALTBYTES


class SealError(ValueError):
    """A box could not be opened: wrong password, secret or key."""


def derive(secret: str, salt: bytes) -> bytes:
    """A 32-byte key from a password or receipt secret (argon2id, libsodium's interactive cost)."""
    return bytes(
        nacl.pwhash.argon2id.kdf(
            KEY_BYTES, secret.encode("utf-8"), salt,
            opslimit=nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE, memlimit=nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE,
        )
    )


def new_salt() -> bytes:
    """A random salt for :func:`derive`."""
    return bytes(nacl.utils.random(SALT_BYTES))


def new_key() -> bytes:
    """A random symmetric key (a report key, a session key)."""
    return bytes(nacl.utils.random(KEY_BYTES))


def lock(key: bytes, data: bytes) -> bytes:
    """``data`` encrypted and authenticated under ``key`` (random nonce included)."""
    return bytes(nacl.secret.SecretBox(key).encrypt(data))


def unlock(key: bytes, box: bytes) -> bytes:
    """The plain bytes of ``box``; SealError when ``key`` is not the one it was locked with."""
    try:
        return bytes(nacl.secret.SecretBox(key).decrypt(box))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise SealError("cannot open the box") from exc


def lock_json(key: bytes, value: Any) -> bytes:
    """A JSON value locked under ``key``."""
    return lock(key, json.dumps(value, ensure_ascii=False).encode("utf-8"))


def unlock_json(key: bytes, box: bytes) -> Any:
    """The JSON value locked in ``box``."""
    return json.loads(unlock(key, box).decode("utf-8"))


def new_key_pair(password: str) -> tuple[bytes, bytes, bytes]:
    """A handler's new key pair: (public key, private key wrapped by the password's key, salt)."""
    private = PrivateKey.generate()
    salt = new_salt()
    return bytes(private.public_key), lock(derive(password, salt), bytes(private)), salt


def unwrap_private(password: str, salt: bytes, wrapped: bytes) -> bytes:
    """The private key wrapped by :func:`new_key_pair`; SealError for a wrong password."""
    return unlock(derive(password, salt), wrapped)


def secret_key_pair(secret: str, salt: bytes) -> tuple[bytes, bytes]:
    """The reporter's key pair from their receipt secret: (public, private)."""
    private = PrivateKey(derive(secret, salt))
    return bytes(private.public_key), bytes(private)


def seal_to(public: bytes, key: bytes) -> bytes:
    """``key`` sealed to ``public``: only its private key opens it (anonymous sender)."""
    return bytes(SealedBox(PublicKey(public)).encrypt(key))


def open_sealed(private: bytes, sealed: bytes) -> bytes:
    """The key in ``sealed``; SealError when ``private`` is not its recipient's key."""
    try:
        return bytes(SealedBox(PrivateKey(private)).decrypt(sealed))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise SealError("cannot open the sealed key") from exc
