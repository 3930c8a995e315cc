"""Staff accounts and their passwords (argon2id): login (failures throttled per address and username),
adding users, resets (which revoke the user's sessions).
"""

from massline.services.people.accounts import check_add_user, check_login, check_reset_password, user_for_token
from massline.services.people.passwords import DEFAULT_PASSWORDS, Passwords

__all__ = [
    "DEFAULT_PASSWORDS",
    "Passwords",
    "check_add_user",
    "check_login",
    "check_reset_password",
    "user_for_token",
]
