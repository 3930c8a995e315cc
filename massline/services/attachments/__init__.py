"""Attachments: photos and documents a citizen sends with a message.

Owns checking an upload (type by content, photos re-encoded without metadata,
limits), storing the files outside the web root without orphans (temporary
names until the transaction commits), the submission with files (over
``intake.check_submit``), the review that shows a file to the public or hides
it with a reason, and reading a file back through the access chokepoints.
Other domains, the web and the worker use the names below.
"""

from massline.services.attachments.actions import (
    REVIEW_DECISIONS,
    check_review,
    check_submit_with_files,
    do_attach,
)
from massline.services.attachments.check import ACCEPTED, Limits, check_files, sniff
from massline.services.attachments.reading import (
    StoredFile,
    attachments_of,
    own_attachment_file,
    public_attachment_file,
    size_label,
    staff_attachment_file,
)
from massline.services.attachments.storage import (
    StagedFiles,
    attachments_root,
    limits_of,
    recover_files,
    staged_files,
)

__all__ = [
    "ACCEPTED",
    "REVIEW_DECISIONS",
    "Limits",
    "StagedFiles",
    "StoredFile",
    "attachments_of",
    "attachments_root",
    "check_files",
    "check_review",
    "check_submit_with_files",
    "do_attach",
    "limits_of",
    "own_attachment_file",
    "public_attachment_file",
    "recover_files",
    "size_label",
    "sniff",
    "staff_attachment_file",
    "staged_files",
]
