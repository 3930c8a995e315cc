"""The issue desk's actions, each one typed function: own, reply (draft, publish, both), commit,
report progress, resolve, merge, split.

Each function takes its own request schema and returns its own result
schema (``issues.schemas``) and is registered with :func:`issue_action`; pages
and the JSON API call :func:`act`. The access check (``access.access_issue_for_action``,
404 for an issue the user may not read, 403 for an action they may not take)
happens in the ``check_*`` function each one calls. Adding an action means:
its function here, its schema, its line in ``access.can_act_on_issue`` and its
form in the issue page's template.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from massline.models import Issue, IssueReply, User
from massline.services.actions import Action, ActionTable
from massline.services.issues import actions, decisions
from massline.services.issues import schemas as s

#: a registered issue action (its request and result schemas, function, label)
IssueAction = Action
#: every issue action by name
ISSUE_ACTION_SPECS = ActionTable()
issue_action = ISSUE_ACTION_SPECS.register


def act(session: Session, user: User, issue_id: int, request: s.IssueRequest, now: datetime) -> s.IssueResult:
    """Do the action ``request`` asks for on the issue (access checked inside); returns its result."""
    result: s.IssueResult = ISSUE_ACTION_SPECS[request.action].run(session, user, issue_id, request, now)
    return result


def _issue(session: Session, issue_id: int) -> Issue:
    issue = session.get(Issue, issue_id)
    assert issue is not None
    return issue


@issue_action(s.OwnRequest, s.OwnResult, label="认领问题", done="已认领该问题，本单位负责答复和落实。")
def own(session: Session, user: User, issue_id: int, req: s.OwnRequest, now: datetime) -> s.OwnResult:
    """认领: the user's office takes ownership of the issue."""
    issue = actions.check_own(session, user, issue_id, now)
    session.flush()
    session.refresh(issue, ["owner_office"])
    return s.OwnResult(**s.IssueResult.fields_of(issue))


@issue_action(s.DraftReplyRequest, s.DraftReplyResult, label="保存答复草稿",
              done="统一答复草稿已保存（尚未公开），核对后请点“发布统一答复”。")  # fmt: skip
def draft_reply(
    session: Session, user: User, issue_id: int, req: s.DraftReplyRequest, now: datetime
) -> s.DraftReplyResult:
    """Save the unpublished reply to all the issue's messages (only the owner office sees it)."""
    draft = actions.check_draft_issue_reply(session, user, issue_id, req.body, now)
    return s.DraftReplyResult(**s.IssueResult.fields_of(_issue(session, issue_id)), reply_id=draft.id)


@issue_action(s.PublishReplyRequest, s.PublishReplyResult, label="发布统一答复",
              done="统一答复已发布，每位留言群众都能在自己的留言页看到。")  # fmt: skip
def publish_reply(
    session: Session, user: User, issue_id: int, req: s.PublishReplyRequest, now: datetime
) -> s.PublishReplyResult:
    """Publish the saved draft to the issue's messages the owner office holds or that are unassigned."""
    reply = actions.do_publish_issue_reply(session, user, issue_id, now)
    session.flush()
    return _published(session, user, issue_id, reply)


@issue_action(s.ReplyAllRequest, s.PublishReplyResult, label="统一答复",
              done="统一答复已发布，每位留言群众都能在自己的留言页看到。")  # fmt: skip
def reply_all(
    session: Session, user: User, issue_id: int, req: s.ReplyAllRequest, now: datetime
) -> s.PublishReplyResult:
    """Draft and publish the reply to all the issue's messages in one step."""
    reply = actions.check_reply_all(session, user, issue_id, req.body, now)
    session.flush()
    return _published(session, user, issue_id, reply)


def _published(session: Session, user: User, issue_id: int, reply: IssueReply) -> s.PublishReplyResult:
    reach = actions.reply_reach(session, user, issue_id)
    not_answered = dict(reach.offices_elsewhere()) if reach else {}
    return s.PublishReplyResult(**s.IssueResult.fields_of(_issue(session, issue_id)), reply_id=reply.id,
                                messages=reply.messages, not_answered=not_answered)  # fmt: skip


@issue_action(s.CommitRequest, s.CommitResult, label="作出承诺", done="承诺/措施已公开。")
def commit(session: Session, user: User, issue_id: int, req: s.CommitRequest, now: datetime) -> s.CommitResult:
    """A public decision or measure, with its responsible office (default: the owner office)."""
    c = actions.check_add_commitment(session, user, issue_id, req.text, now, office_code=req.office,
                                     due_date=req.due_date)  # fmt: skip
    return s.CommitResult(**s.IssueResult.fields_of(_issue(session, issue_id)), commitment_id=c.id)


@issue_action(s.UpdateCommitmentRequest, s.CommitmentUpdated, label="更新进展", done="进展已更新。")
def update_commitment(
    session: Session, user: User, issue_id: int, req: s.UpdateCommitmentRequest, now: datetime
) -> s.CommitmentUpdated:
    """Report progress (0–100 %) on a commitment; 100 % means done."""
    c = actions.check_update_commitment(session, user, issue_id, req.commitment_id, now, progress=req.progress,
                                        status=req.status, note=req.note)  # fmt: skip
    return s.CommitmentUpdated(**s.IssueResult.fields_of(_issue(session, issue_id)), commitment_id=c.id,
                               progress=c.progress, commitment_status=c.status)  # fmt: skip


@issue_action(s.ResolveRequest, s.ResolveResult, label="标记解决", done="问题已标记为解决。")
def resolve(session: Session, user: User, issue_id: int, req: s.ResolveRequest, now: datetime) -> s.ResolveResult:
    """The owner office declares the issue resolved (with a public note); new messages reopen it."""
    issue = actions.check_resolve(session, user, issue_id, req.note, now)
    return s.ResolveResult(**s.IssueResult.fields_of(issue), resolved_at=issue.resolved_at)


@issue_action(s.MergeRequest, s.MergeResult, label="合并问题", done="已合并问题。")
def merge(session: Session, user: User, issue_id: int, req: s.MergeRequest, now: datetime) -> s.MergeResult:
    """Merge issue ``other`` into this one (recorded; the next rebuild keeps them together)."""
    target = decisions.check_merge(session, user, issue_id, req.other, req.note, now)
    return s.MergeResult(**s.IssueResult.fields_of(target), merged_issue_id=req.other)


@issue_action(s.SplitRequest, s.SplitResult, label="拆分问题", done="已拆分，选中的留言形成了新问题。")
def split(session: Session, user: User, issue_id: int, req: s.SplitRequest, now: datetime) -> s.SplitResult:
    """Move some messages to a new issue (recorded; the next rebuild keeps them apart)."""
    new = decisions.check_split(session, user, issue_id, req.message_ids, req.note, now)
    return s.SplitResult(**s.IssueResult.fields_of(new), source_issue_id=issue_id)
