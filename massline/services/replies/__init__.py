"""The reply desk: demands, reply review and drafting help for officials; the analysis is
``massline.analysis.replies`` (pure).

Owns the review of a reply against its case (``review``: the deadline that applied, demands marked
outside the office's remit counted as answered, JSON for the reply box); the reviews stored per reply
version and the approval a low score asks for (``stored``: the case actions ``reply``, ``publish``
and ``approve_reply`` go through :func:`act` / :func:`act_and_view` here, which call casework and
then store the review; ``replies.min_score`` decides); the marks "outside our remit" (``referrals``);
the help to write (``examples``: well-rated past replies to similar messages, the shipped skeletons
per kind); the 网言网语 glossary (``glossary``: seeded from the shipped file, edited by admins, found in
messages) and its weekly list of terms to explain (``glossary_watch``); the dashboard's reply quality by
office and month with the best and weakest replies (``quality``); and the desk beside a case in
the workbench (``desk``).
"""

from massline.services.replies.desk import DemandRow, DeskView, desk_view
from massline.services.replies.examples import Example, Skeleton, load_skeletons, similar_replies, skeletons_for
from massline.services.replies.glossary import (
    GlossHit,
    TermInput,
    access_term,
    check_add_term,
    check_delete_term,
    check_seed_glossary,
    check_update_term,
    find_terms,
    glossary_terms,
    read_glossary_file,
)
from massline.services.replies.glossary_watch import TermCount, unexplained_terms
from massline.services.replies.quality import QualityExample, QualityRow, ReplyQuality, reply_quality
from massline.services.replies.referrals import check_refer_demand, check_unrefer_demand
from massline.services.replies.review import message_demands, message_text, review_case_reply
from massline.services.replies.stored import (
    REVIEWED_ACTIONS,
    act,
    act_and_view,
    do_review_draft,
    do_store_review,
    latest_review,
    live_review,
    pending_review,
)

__all__ = [
    "REVIEWED_ACTIONS",
    "DemandRow",
    "DeskView",
    "Example",
    "GlossHit",
    "QualityExample",
    "QualityRow",
    "ReplyQuality",
    "reply_quality",
    "TermCount",
    "TermInput",
    "access_term",
    "check_add_term",
    "check_delete_term",
    "check_seed_glossary",
    "check_update_term",
    "find_terms",
    "glossary_terms",
    "read_glossary_file",
    "unexplained_terms",
    "Skeleton",
    "load_skeletons",
    "similar_replies",
    "skeletons_for",
    "act",
    "act_and_view",
    "check_refer_demand",
    "check_unrefer_demand",
    "desk_view",
    "do_review_draft",
    "do_store_review",
    "latest_review",
    "pending_review",
    "live_review",
    "message_demands",
    "message_text",
    "review_case_reply",
]
