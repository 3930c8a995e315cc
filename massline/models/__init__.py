"""ORM models, one module per aggregate. Importing this package registers them all."""

from massline.models.alerts import ALERT_KINDS, ALERT_STATUSES, Alert
from massline.models.analysis import MessageAnalysis, MessageBandKey
from massline.models.audit import AuditLog
from massline.models.base import Base, utcnow
from massline.models.deadlines import DeadlineRule, SiteSetting
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
from massline.models.offices import Leader, Office, office_categories
from massline.models.people import ROLE_LABELS, ROLES, User
from massline.models.regions import REGION_LEVELS, Region
from massline.models.search import MessageSearch
from massline.models.security import RateLimitHit, WebSession
from massline.models.taxonomy import Category

__all__ = [
    "ALERT_KINDS",
    "ANONYMOUS_AUTHOR",
    "ALERT_STATUSES",
    "ISSUE_STATUSES",
    "REVIEW_LABELS",
    "REVIEW_QUEUE",
    "REVIEW_STATES",
    "REVIEW_VISIBLE",
    "Alert",
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
    "Message",
    "MessageAnalysis",
    "MessageBandKey",
    "MessageEvent",
    "MessageSearch",
    "Office",
    "RateLimitHit",
    "Rating",
    "Region",
    "Reply",
    "SiteSetting",
    "SubmissionKey",
    "Support",
    "User",
    "WebSession",
    "office_categories",
    "utcnow",
]
