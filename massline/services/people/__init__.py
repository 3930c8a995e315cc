"""Staff accounts and their passwords (argon2id): login (failures throttled per address and username),
adding users, resets (which revoke the user's sessions), one's own password change, changing an
account's role and office, deactivating, who staffs each office, when each account (office,
leader, official) last spoke online (``last_spoken``), and an official's consent to be named in the
monthly report (``consent``).
"""

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
