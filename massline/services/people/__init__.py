"""Staff accounts and their passwords (argon2id): login with lockout, adding users, resets.
"""

from massline.services.people.accounts import check_add_user, check_login, check_reset_password, user_for_token
from massline.services.people.passwords import configure

__all__ = [
    "check_add_user",
    "check_login",
    "check_reset_password",
    "configure",
    "user_for_token",
]
