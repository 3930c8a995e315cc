"""The chokepoints: every read or action on a protected record goes through here.

Each check is one condition per line. A record the caller may not read is
reported exactly like a record that does not exist (``NotFound``), so no
answer reveals whether another office's message exists. Messages (cases,
their extensions, citizens' feedback) in ``messages``, issues in ``issues``,
alerts in ``alerts``, research ledgers and tolerance reviews in ``research``, what offices
publish in ``publishing``; everyone imports the names below from ``services.access``.

The names below load on first use, so that a command loads the rules (and the models) of the records it reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from massline.services.access.accountability import (
        accountability_flag_office,
        can_download_monthly_report,
        can_see_accountability,
    )
    from massline.services.access.alerts import (
        access_alert_by_id,
        access_alert_for_action,
        alert_scope,
        allowed_alert_actions,
        can_act_on_alert,
    )
    from massline.services.access.issues import (
        ISSUE_ACTIONS,
        access_issue_by_id,
        access_issue_for_action,
        access_issue_member_by_tracking,
        access_public_issue,
        allowed_issue_actions,
        can_act_on_issue,
        issue_rating_refusal,
        issue_scope,
        public_issue_condition,
    )
    from massline.services.access.messages import (
        CASEWORK_ACTIONS,
        DISPATCH_QUEUE_ROLES,
        OFFICE_ROLES,
        READ_ALL_ROLES,
        SESSION_ENDED,
        access_extension_for_decision,
        access_message_by_id,
        access_message_by_session,
        access_message_by_tracking,
        access_message_for_action,
        access_public_message,
        access_user_by_session,
        can_act,
        can_list_extensions,
        can_moderate,
        can_rate,
        can_read,
        can_reopen,
        can_see_dispatch_queue,
        message_scope,
        public_condition,
        rating_refusal,
        reads_own_office_only,
        require,
        secret_digest,
        tracking_code_key,
    )
    from massline.services.access.publishing import (
        access_comment_for_answer,
        access_interview_for_answer,
        access_office_for_publishing,
        access_post_for_edit,
        access_question_for_answer,
        can_publish_for,
        can_see_silent_list,
        publishing_offices,
    )
    from massline.services.access.replies import can_edit_glossary
    from massline.services.access.research import (
        OVERSEER_ROLES,
        access_ledger_user,
        access_review_by_id,
        allowed_review_actions,
        cadence_offices,
        can_read_ledger,
        can_see_cadence,
        is_overseer,
        pilot_scope,
        tolerance_scope,
    )
    from massline.services.access.supervision import access_supervision_report, is_accused_side

__all__ = [
    "access_supervision_report",
    "can_edit_glossary",
    "is_accused_side",
    "OVERSEER_ROLES",
    "access_ledger_user",
    "access_review_by_id",
    "allowed_review_actions",
    "cadence_offices",
    "can_read_ledger",
    "can_see_cadence",
    "is_overseer",
    "pilot_scope",
    "tolerance_scope",
    "access_comment_for_answer",
    "access_interview_for_answer",
    "access_office_for_publishing",
    "access_post_for_edit",
    "access_question_for_answer",
    "can_publish_for",
    "can_see_silent_list",
    "publishing_offices",
    "accountability_flag_office",
    "can_download_monthly_report",
    "can_see_accountability",
    "CASEWORK_ACTIONS",
    "DISPATCH_QUEUE_ROLES",
    "ISSUE_ACTIONS",
    "OFFICE_ROLES",
    "READ_ALL_ROLES",
    "SESSION_ENDED",
    "access_alert_by_id",
    "access_alert_for_action",
    "access_extension_for_decision",
    "access_issue_by_id",
    "access_issue_for_action",
    "access_issue_member_by_tracking",
    "access_message_by_id",
    "access_message_by_session",
    "access_message_by_tracking",
    "access_message_for_action",
    "access_public_issue",
    "access_public_message",
    "access_user_by_session",
    "alert_scope",
    "allowed_alert_actions",
    "allowed_issue_actions",
    "can_act",
    "can_act_on_alert",
    "can_act_on_issue",
    "can_list_extensions",
    "can_moderate",
    "can_rate",
    "can_read",
    "can_reopen",
    "can_see_dispatch_queue",
    "issue_rating_refusal",
    "issue_scope",
    "message_scope",
    "public_condition",
    "public_issue_condition",
    "rating_refusal",
    "reads_own_office_only",
    "require",
    "secret_digest",
    "tracking_code_key",
]

_LAZY = {
    "accountability": ["accountability_flag_office", "can_download_monthly_report", "can_see_accountability"],
    "alerts": ["access_alert_by_id", "access_alert_for_action", "alert_scope", "allowed_alert_actions",
               "can_act_on_alert"],
    "issues": ["ISSUE_ACTIONS", "access_issue_by_id", "access_issue_for_action", "access_issue_member_by_tracking",
               "access_public_issue", "allowed_issue_actions", "can_act_on_issue", "issue_rating_refusal",
               "issue_scope", "public_issue_condition"],
    "messages": ["CASEWORK_ACTIONS", "DISPATCH_QUEUE_ROLES", "OFFICE_ROLES", "READ_ALL_ROLES", "SESSION_ENDED",
                 "access_extension_for_decision", "access_message_by_id", "access_message_by_session",
                 "access_message_by_tracking", "access_message_for_action", "access_public_message",
                 "access_user_by_session", "can_act", "can_list_extensions", "can_moderate", "can_rate", "can_read",
                 "can_reopen", "can_see_dispatch_queue", "message_scope", "public_condition", "rating_refusal",
                 "reads_own_office_only", "require", "secret_digest", "tracking_code_key"],
    "publishing": ["access_comment_for_answer", "access_interview_for_answer", "access_office_for_publishing",
                   "access_post_for_edit", "access_question_for_answer", "can_publish_for", "can_see_silent_list",
                   "publishing_offices"],
    "replies": ["can_edit_glossary"],
    "research": ["OVERSEER_ROLES", "access_ledger_user", "access_review_by_id", "allowed_review_actions",
                 "cadence_offices", "can_read_ledger", "can_see_cadence", "is_overseer", "pilot_scope",
                 "tolerance_scope"],
    "supervision": ["access_supervision_report", "is_accused_side"],
}  # fmt: skip

if not TYPE_CHECKING:  # mypy reads the imports above and still flags a name this package does not export
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs=_LAZY)
