"""Intake (从群众中来): every channel's way in.

Owns a citizen's submission becoming a routed message with a tracking code
(``submit``), the bulk import of hotline and board exports (``bulk*``), and the
writer that commits concurrent API submissions together (``writer*``).
Other domains use the names below; the modules are private to intake.
"""

from massline.services.intake.bulk import ImportAborted, ImportOptions, ImportReport, deployment_timezone, run_import
from massline.services.intake.submit import (
    CITIZEN_KINDS,
    KINDS,
    MessageInput,
    check_submit,
    new_secret,
    new_tracking_code,
)
from massline.services.intake.writer import SubmissionWriter
from massline.services.intake.writer_process import StoreProcess

__all__ = [
    "CITIZEN_KINDS",
    "ImportAborted",
    "ImportOptions",
    "ImportReport",
    "KINDS",
    "MessageInput",
    "StoreProcess",
    "SubmissionWriter",
    "check_submit",
    "deployment_timezone",
    "new_secret",
    "new_tracking_code",
    "run_import",
]
