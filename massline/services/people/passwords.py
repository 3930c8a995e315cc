"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_LENGTH = 10


def configure(time_cost: int, memory_kib: int) -> None:
    """Set the argon2 cost for new hashes (existing hashes keep their own parameters)."""
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; False for a wrong password or an empty/bad hash."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why ``password`` is too weak, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 位 (at least {MIN_LENGTH} characters)"
    if password.isdigit() or password.isalpha():
        return "密码须同时包含字母和数字 (mix letters and digits)"
    return None
