"""Offices speak online (网来网去): offices' and leaders' posts with moderated comment threads,
clarifications (澄清/释疑) that reach every citizen of an issue, online interviews (在线访谈),
Atom feeds per office, and the silent-account list with ``last_activity`` (each office's and
leader's latest publishing or answering time, for the accountability cadence ledger).

Other packages use the names below.
"""

from massline.services.publishing.clarifications import (
    ClarificationInput,
    access_public_clarification,
    check_publish_clarification,
    check_react,
    clarifications_of_message,
    do_count_view,
    issue_clarifications,
)
from massline.services.publishing.comments import (
    ThreadEntry,
    access_public_post,
    check_answer_comment,
    check_comment,
    do_review_comment,
    public_thread,
)
from massline.services.publishing.feeds import office_feed
from massline.services.publishing.interviews import (
    AnswerNotice,
    InterviewInput,
    OpenQuestion,
    access_public_interview,
    add_working_days,
    check_answer_question,
    check_ask,
    check_schedule_interview,
    check_vote,
    do_review_question,
    interview_desk,
    live_state,
    phase,
    shown_questions,
)
from massline.services.publishing.pages import Desk, OfficePage, office_page, publishing_desk, speaking_offices
from massline.services.publishing.posts import PostInput, check_edit_post, check_publish_post
from massline.services.publishing.silent import Account, SilentAccount, last_activity, silent_accounts

__all__ = [
    "Account",
    "AnswerNotice",
    "ClarificationInput",
    "Desk",
    "InterviewInput",
    "OfficePage",
    "OpenQuestion",
    "PostInput",
    "SilentAccount",
    "ThreadEntry",
    "access_public_clarification",
    "access_public_interview",
    "access_public_post",
    "add_working_days",
    "check_answer_comment",
    "check_answer_question",
    "check_ask",
    "check_comment",
    "check_edit_post",
    "check_publish_clarification",
    "check_publish_post",
    "check_react",
    "check_schedule_interview",
    "check_vote",
    "clarifications_of_message",
    "do_count_view",
    "do_review_comment",
    "do_review_question",
    "interview_desk",
    "issue_clarifications",
    "last_activity",
    "live_state",
    "office_feed",
    "office_page",
    "phase",
    "public_thread",
    "publishing_desk",
    "shown_questions",
    "silent_accounts",
    "speaking_offices",
]
