"""Password hashing at each platform's own cost: no process-wide setting."""

from __future__ import annotations

from argon2 import extract_parameters

from massline.config import Settings
from massline.platform import Platform
from massline.services.people import DEFAULT_PASSWORDS, Passwords


def test_each_platform_hashes_at_its_own_cost(settings: Settings) -> None:
    cheap = Platform(settings.model_copy(update={"argon2_time_cost": 1, "argon2_memory_kib": 64}))
    dear = Platform(settings.model_copy(update={"argon2_time_cost": 2, "argon2_memory_kib": 128}))
    try:
        a, b = cheap.passwords.hash("Secret-pass-1"), dear.passwords.hash("Secret-pass-1")
        assert (extract_parameters(a).time_cost, extract_parameters(a).memory_cost) == (1, 64)
        assert (extract_parameters(b).time_cost, extract_parameters(b).memory_cost) == (2, 128)
        # a hash is checked with its own parameters, whoever checks it
        assert cheap.passwords.verify(b, "Secret-pass-1") and dear.passwords.verify(a, "Secret-pass-1")
        assert not cheap.passwords.verify(a, "Secret-pass-2") and not cheap.passwords.verify("", "x")
        assert not DEFAULT_PASSWORDS.verify("not-a-hash", "Secret-pass-1")
    finally:
        cheap.dispose()
        dear.dispose()


def test_an_unknown_user_costs_a_check() -> None:
    passwords = Passwords(time_cost=1, memory_kib=64)
    passwords.verify_nobody("whatever-1")
    assert passwords._dummy is not None and extract_parameters(passwords._dummy).memory_cost == 64
