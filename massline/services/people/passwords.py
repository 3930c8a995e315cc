"""Password hashing with argon2id, at the cost the deployment's settings give.

argon2 is imported when a password is first hashed or checked, not when the platform starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 10


class Passwords:
    """Hashing and checking staff passwords (argon2id).

    ``time_cost`` and ``memory_kib`` apply to new hashes; a stored hash is
    checked with the parameters written in it. The platform builds one from
    its settings (``platform.passwords``); the defaults are argon2-cffi's
    recommended ones.
    """

    def __init__(self, time_cost: int = 3, memory_kib: int = 65536) -> None:
        self._cost = (time_cost, memory_kib)
        self._made: PasswordHasher | None = None
        self._dummy: str | None = None

    @property
    def _hasher(self) -> PasswordHasher:
        if self._made is None:
            from argon2 import PasswordHasher

            self._made = PasswordHasher(time_cost=self._cost[0], memory_cost=self._cost[1])
        return self._made

    def hash(self, password: str) -> str:
        """An argon2id hash of ``password``."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """True when ``password`` matches; False for a wrong password or an empty/bad hash."""
        from argon2.exceptions import InvalidHashError, VerificationError

        if not password_hash:
            return False
        try:  # (as bytes: a lone surrogate typed into a form cannot be UTF-8, and matches nothing)
            return self._hasher.verify(password_hash, password.encode("utf-8", "surrogatepass"))
        except (VerificationError, InvalidHashError):
            return False

    def verify_nobody(self, password: str) -> None:
        """Spend what checking a real password costs, so that an unknown username answers as slowly
        as a wrong password."""
        if self._dummy is None:
            self._dummy = self.hash("dummy-password-for-timing-0")
        self.verify(self._dummy, password)


#: argon2-cffi's recommended cost, for callers without a platform
DEFAULT_PASSWORDS = Passwords()


def password_problem(password: str) -> str | None:
    """Why ``password`` is too weak, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 位 (at least {MIN_LENGTH} characters)"
    if password.isdigit() or password.isalpha():
        return "密码须同时包含字母和数字"
    return None
