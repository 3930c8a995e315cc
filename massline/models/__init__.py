"""ORM models, one module per aggregate (an issue's clustering state and its handling in modules of their own).

A name loads its module on first use, with the modules its tables' foreign keys and relationships name
(each module imports them), so that a command that lists issues does not declare the supervision or the
research tables; every mapper loaded still configures (``tests/test_schema.py`` checks each module alone).
``load_all()`` registers every table in ``Base.metadata`` (migrations, schema comparisons).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from massline.models.alerts import ALERT_KINDS, ALERT_STATUSES, Alert
    from massline.models.analysis import MessageAnalysis, MessageBandKey
    from massline.models.attachments import ATTACHMENT_STATE_LABELS, ATTACHMENT_STATES, Attachment
    from massline.models.audit import AuditChainHead, AuditLog
    from massline.models.base import Base, utcnow
    from massline.models.deadlines import DeadlineRule, SiteSetting
    from massline.models.followup import (
        DEADLINE_STEPS,
        RESOLVED_ANSWERS,
        SATISFIED_ANSWERS,
        Callback,
        DeadlineStep,
    )
    from massline.models.issue_clusters import (
        IssueCluster,
        IssuePlaceAlias,
        IssuePlaceKey,
        IssuePlacePiece,
        IssuePosting,
        IssueTermDf,
        IssueVocabulary,
    )
    from massline.models.issue_handling import (
        IssueCommitment,
        IssueCommitmentUpdate,
        IssueDecision,
        IssueEvent,
        IssueRating,
        IssueReply,
    )
    from massline.models.issues import ISSUE_STATUSES, Issue
    from massline.models.messages import (
        ANONYMOUS_AUTHOR,
        KINDS,
        OPEN_STATUSES,
        REVIEW_LABELS,
        REVIEW_QUEUE,
        REVIEW_STATES,
        REVIEW_VISIBLE,
        STATUS_LABELS,
        STATUSES,
        DeadlineExtension,
        Message,
        MessageEvent,
        Rating,
        Reply,
        SubmissionKey,
        Support,
    )
    from massline.models.notifications import (
        CHANNEL_LABELS,
        CHANNELS,
        LoginCode,
        MessageContact,
        Notification,
    )
    from massline.models.offices import Leader, Office, office_categories
    from massline.models.people import ROLE_LABELS, ROLES, User
    from massline.models.publishing import (
        POST_KINDS,
        REACTIONS,
        Clarification,
        ClarificationReaction,
        Interview,
        InterviewQuestion,
        InterviewVote,
        Post,
        PostComment,
        PostRevision,
    )
    from massline.models.regions import REGION_LEVELS, Region
    from massline.models.replies import REVIEW_STAGES, DemandReferral, GlossaryTerm, ReplyReview
    from massline.models.research import (
        RESEARCH_ENTRY_KINDS,
        RESEARCH_ENTRY_LABELS,
        ResearchActivity,
        ResearchCaseView,
        ResearchEntry,
    )
    from massline.models.search import MessageSearch
    from massline.models.security import RateLimitHit, WebSession
    from massline.models.supervision import (
        REPORT_STATUS_LABELS,
        REPORT_STATUSES,
        SupervisionEntry,
        SupervisionFile,
        SupervisionKey,
        SupervisionRecipient,
        SupervisionReport,
        SupervisionUnlock,
    )
    from massline.models.taxonomy import Category
    from massline.models.tolerance import (
        TOLERANCE_DECISION_LABELS,
        TOLERANCE_DECISIONS,
        TolerancePilot,
        ToleranceReview,
    )
    from massline.models.transfers import TRANSFER_REQUEST_STATUSES, TransferRequest

__all__ = [
    "ALERT_KINDS",
    "DEADLINE_STEPS",
    "RESOLVED_ANSWERS",
    "SATISFIED_ANSWERS",
    "Callback",
    "DeadlineStep",
    "ANONYMOUS_AUTHOR",
    "ALERT_STATUSES",
    "ATTACHMENT_STATES",
    "ATTACHMENT_STATE_LABELS",
    "CHANNELS",
    "CHANNEL_LABELS",
    "ISSUE_STATUSES",
    "REVIEW_LABELS",
    "REVIEW_QUEUE",
    "REVIEW_STATES",
    "REVIEW_VISIBLE",
    "Alert",
    "Attachment",
    "Issue",
    "IssueCluster",
    "IssueCommitment",
    "IssueCommitmentUpdate",
    "IssueDecision",
    "IssueEvent",
    "IssuePlaceKey",
    "IssuePlacePiece",
    "IssuePosting",
    "IssueRating",
    "IssueReply",
    "IssueTermDf",
    "IssuePlaceAlias",
    "IssueVocabulary",
    "KINDS",
    "OPEN_STATUSES",
    "REGION_LEVELS",
    "ROLES",
    "ROLE_LABELS",
    "STATUSES",
    "STATUS_LABELS",
    "AuditChainHead",
    "AuditLog",
    "REPORT_STATUSES",
    "REPORT_STATUS_LABELS",
    "SupervisionEntry",
    "SupervisionFile",
    "SupervisionKey",
    "SupervisionRecipient",
    "SupervisionReport",
    "SupervisionUnlock",
    "Base",
    "Category",
    "DeadlineExtension",
    "DeadlineRule",
    "Leader",
    "LoginCode",
    "Message",
    "MessageAnalysis",
    "MessageContact",
    "MessageBandKey",
    "MessageEvent",
    "MessageSearch",
    "Notification",
    "Office",
    "RateLimitHit",
    "RESEARCH_ENTRY_KINDS",
    "RESEARCH_ENTRY_LABELS",
    "ResearchActivity",
    "ResearchCaseView",
    "ResearchEntry",
    "TOLERANCE_DECISIONS",
    "TOLERANCE_DECISION_LABELS",
    "TolerancePilot",
    "ToleranceReview",
    "Rating",
    "Region",
    "Reply",
    "ReplyReview",
    "REVIEW_STAGES",
    "DemandReferral",
    "GlossaryTerm",
    "SiteSetting",
    "SubmissionKey",
    "Support",
    "TRANSFER_REQUEST_STATUSES",
    "TransferRequest",
    "User",
    "WebSession",
    "POST_KINDS",
    "REACTIONS",
    "Clarification",
    "ClarificationReaction",
    "Interview",
    "InterviewQuestion",
    "InterviewVote",
    "Post",
    "PostComment",
    "PostRevision",
    "office_categories",
    "load_all",
    "utcnow",
]

_LAZY = {
    "alerts": ["ALERT_KINDS", "ALERT_STATUSES", "Alert"],
    "analysis": ["MessageAnalysis", "MessageBandKey"],
    "attachments": ["ATTACHMENT_STATES", "ATTACHMENT_STATE_LABELS", "Attachment"],
    "audit": ["AuditChainHead", "AuditLog"],
    "base": ["Base", "utcnow"],
    "deadlines": ["DeadlineRule", "SiteSetting"],
    "followup": ["Callback", "DEADLINE_STEPS", "DeadlineStep", "RESOLVED_ANSWERS", "SATISFIED_ANSWERS"],
    "issue_clusters": ["IssueCluster", "IssuePlaceAlias", "IssuePlaceKey", "IssuePlacePiece", "IssuePosting",
                       "IssueTermDf", "IssueVocabulary"],
    "issue_handling": ["IssueCommitment", "IssueCommitmentUpdate", "IssueDecision", "IssueEvent", "IssueRating",
                       "IssueReply"],
    "issues": ["ISSUE_STATUSES", "Issue"],
    "messages": ["ANONYMOUS_AUTHOR", "DeadlineExtension", "KINDS", "Message", "MessageEvent", "OPEN_STATUSES",
                 "REVIEW_LABELS", "REVIEW_QUEUE", "REVIEW_STATES", "REVIEW_VISIBLE", "Rating", "Reply", "STATUSES",
                 "STATUS_LABELS", "SubmissionKey", "Support"],
    "notifications": ["CHANNELS", "CHANNEL_LABELS", "LoginCode", "MessageContact", "Notification"],
    "offices": ["Leader", "Office", "office_categories"],
    "people": ["ROLES", "ROLE_LABELS", "User"],
    "publishing": ["Clarification", "ClarificationReaction", "Interview", "InterviewQuestion", "InterviewVote",
                   "POST_KINDS", "Post", "PostComment", "PostRevision", "REACTIONS"],
    "regions": ["REGION_LEVELS", "Region"],
    "replies": ["DemandReferral", "GlossaryTerm", "REVIEW_STAGES", "ReplyReview"],
    "research": ["RESEARCH_ENTRY_KINDS", "RESEARCH_ENTRY_LABELS", "ResearchActivity", "ResearchCaseView",
                 "ResearchEntry"],
    "search": ["MessageSearch"],
    "security": ["RateLimitHit", "WebSession"],
    "supervision": ["REPORT_STATUSES", "REPORT_STATUS_LABELS", "SupervisionEntry", "SupervisionFile",
                    "SupervisionKey", "SupervisionRecipient", "SupervisionReport", "SupervisionUnlock"],
    "taxonomy": ["Category"],
    "tolerance": ["TOLERANCE_DECISIONS", "TOLERANCE_DECISION_LABELS", "TolerancePilot", "ToleranceReview"],
    "transfers": ["TRANSFER_REQUEST_STATUSES", "TransferRequest"],
}  # fmt: skip


def load_all() -> None:
    """Import every model module: the whole schema in ``Base.metadata`` (migrations, schema comparisons)."""
    for module in _LAZY:
        importlib.import_module(f"{__name__}.{module}")


if not TYPE_CHECKING:  # mypy reads the imports above and still flags a name this package does not export
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submodules=set(_LAZY), submod_attrs=_LAZY)
