"""ORM models, one module per aggregate. Importing this package registers them all."""

from massline.models.alerts import ALERT_KINDS, ALERT_STATUSES, Alert
from massline.models.analysis import MessageAnalysis, MessageBandKey
from massline.models.attachments import ATTACHMENT_STATE_LABELS, ATTACHMENT_STATES, Attachment
from massline.models.audit import AuditLog
from massline.models.base import Base, utcnow
from massline.models.deadlines import DeadlineRule, SiteSetting
from massline.models.followup import (
    DEADLINE_STEPS,
    RESOLVED_ANSWERS,
    SATISFIED_ANSWERS,
    Callback,
    DeadlineStep,
)
from massline.models.issues import (
    ISSUE_STATUSES,
    Issue,
    IssueCluster,
    IssueCommitment,
    IssueCommitmentUpdate,
    IssueDecision,
    IssueEvent,
    IssuePlaceAlias,
    IssuePlaceKey,
    IssuePlacePiece,
    IssuePosting,
    IssueRating,
    IssueReply,
    IssueTermDf,
    IssueVocabulary,
)
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
from massline.models.regions import REGION_LEVELS, Region
from massline.models.replies import REVIEW_STAGES, DemandReferral, ReplyReview
from massline.models.search import MessageSearch
from massline.models.security import RateLimitHit, WebSession
from massline.models.taxonomy import Category
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
    "AuditLog",
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
    "Rating",
    "Region",
    "Reply",
    "ReplyReview",
    "REVIEW_STAGES",
    "DemandReferral",
    "SiteSetting",
    "SubmissionKey",
    "Support",
    "TRANSFER_REQUEST_STATUSES",
    "TransferRequest",
    "User",
    "WebSession",
    "office_categories",
    "utcnow",
]
