"""Intake (从群众中来): every channel's way in.

Owns a submission becoming a routed message with a tracking code: the one
intake function (``check_submit``, once per idempotency key when given) and
the one writer of new messages and their case history (``store_submissions``),
used by the portal form, the JSON API, the bulk import of hotline and board
exports (``bulk*``) and the demo loader. Other domains use the names below;
the modules are private to intake.
"""

from massline.services.intake.bulk import ImportAborted, ImportOptions, ImportReport, deployment_timezone, run_import
from massline.services.intake.keys import KEY_MAX, REPLAY_WINDOW
from massline.services.intake.submit import (
    BODY_MAX,
    BODY_MIN,
    KIND_NOTES,
    KINDS,
    TITLE_MAX,
    MessageInput,
    Submitted,
    check_submit,
    new_secret,
    new_tracking_code,
)

__all__ = [
    "BODY_MAX",
    "BODY_MIN",
    "KEY_MAX",
    "KIND_NOTES",
    "KINDS",
    "REPLAY_WINDOW",
    "TITLE_MAX",
    "ImportAborted",
    "ImportOptions",
    "ImportReport",
    "MessageInput",
    "Submitted",
    "check_submit",
    "deployment_timezone",
    "new_secret",
    "new_tracking_code",
    "run_import",
]
