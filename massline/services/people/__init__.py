"""Staff accounts and their passwords (argon2id): login (failures throttled per address and username),
adding users, resets (which revoke the user's sessions), one's own password change, changing an
account's role and office, deactivating, who staffs each office, when each account (office,
leader, official) last spoke online (``last_spoken``), and an official's consent to be named in the
monthly report (``consent``).

The names below load on first use, so that the platform (which needs ``Passwords``) does not load the accounts'
actions and the access rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from massline.services.people.accounts import (
        PasswordChange,
        check_add_user,
        check_change_own_password,
        check_login,
        check_reset_password,
        check_set_active,
        check_update_account,
        user_for_token,
    )
    from massline.services.people.consent import do_set_name_consent
    from massline.services.people.passwords import DEFAULT_PASSWORDS, Passwords
    from massline.services.people.speaking import Account, last_spoken
    from massline.services.people.staffing import (
        OfficeStaffing,
        access_account_for_admin,
        can_administer_accounts,
        office_staffing,
        staff_accounts,
    )

__all__ = [
    "DEFAULT_PASSWORDS",
    "Account",
    "OfficeStaffing",
    "PasswordChange",
    "Passwords",
    "access_account_for_admin",
    "do_set_name_consent",
    "can_administer_accounts",
    "check_add_user",
    "check_change_own_password",
    "check_login",
    "check_reset_password",
    "check_set_active",
    "check_update_account",
    "office_staffing",
    "staff_accounts",
    "user_for_token",
    "last_spoken",
]

_LAZY = {
    "accounts": ["PasswordChange", "check_add_user", "check_change_own_password", "check_login",
                 "check_reset_password", "check_set_active", "check_update_account", "user_for_token"],
    "consent": ["do_set_name_consent"],
    "passwords": ["DEFAULT_PASSWORDS", "Passwords"],
    "speaking": ["Account", "last_spoken"],
    "staffing": ["OfficeStaffing", "access_account_for_admin", "can_administer_accounts", "office_staffing",
                 "staff_accounts"],
}  # fmt: skip

if not TYPE_CHECKING:  # mypy reads the imports above and still flags a name this package does not export
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs=_LAZY)
