"""Offices speak online: what a clarification on a large issue costs, how fast the silent list is
computed from many posts and answers, and how many live-interview polls a second one process serves.

On a fresh SQLite instance with the demo deployment (no replay):

* **Clarification fan-out**: a clarification on an issue of N messages writes one public ``clarified``
  event per message in its transaction. Timed for N = 100, 1,000 and 5,000 against the baseline of the
  same clarification on no issue (a claim), measured in the same run; the difference per message is
  the fan-out's cost.
* **Silent list**: ``silent_accounts`` (which calls ``last_activity``) with 5,000 posts, 20,000 thread
  answers, 2,000 answered interview questions and the replies of the N messages, against the baseline
  of the same call on empty publishing tables, in the same run.
* **Live poll**: ``GET /api/v1/interviews/{id}/live`` of an interview with 200 questions, in-process
  (Starlette's test client, one thread), against ``GET /api/v1/health`` of the same app as the
  yardstick of the machine at that moment.

    python benchmarks/bench_publishing.py [--messages 100,1000,5000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

import texts
from common import ROOT, machine

sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, update  # noqa: E402

from massline.config import Settings  # noqa: E402
from massline.io.deployment_yaml import load_deployment  # noqa: E402
from massline.models import Interview, InterviewQuestion, Issue, Message, Office, Post, PostComment, User  # noqa: E402
from massline.platform import Platform  # noqa: E402
from massline.services import intake, publishing  # noqa: E402
from massline.services.deployment import check_apply_deployment  # noqa: E402

DEMO = ROOT / "massline" / "data" / "demo" / "deployment.yaml"
FACTS = "经核实，网传说法与事实不符。相关部门已经现场核查，情况如下所述，欢迎群众继续监督。"


def _platform(folder: Path) -> Platform:
    settings = Settings(instance_dir=folder, database_url=f"sqlite:///{folder / 'bench.db'}",
                        argon2_time_cost=1, argon2_memory_kib=64)  # fmt: skip
    platform = Platform(settings)
    platform.migrate()
    with platform.write() as s:
        check_apply_deployment(s, load_deployment(DEMO), passwords=platform.passwords)
    return platform


def _issue_of(platform: Platform, n: int, seed: int) -> int:
    now = platform.now()
    with platform.write() as s:
        ids = []
        for m in texts.messages(n, seed=seed):
            data = intake.MessageInput(title=m.title, body=m.body, kind=m.kind, region=m.region, source="web")
            ids.append(intake.check_submit(s, platform.cipher, data, now).id)
        issue = Issue(title=f"bench {n}", status="open", message_count=n, people_count=n, public_count=n, heat=0.0,
                      keywords=[], representatives=[], heat_components=[], first_message_at=now,
                      last_message_at=now, created_at=now, updated_at=now, dirty=False)  # fmt: skip
        s.add(issue)
        s.flush()
        s.execute(update(Message).where(Message.id.in_(ids)).values(issue_id=issue.id))
        return issue.id


def _clarify(platform: Platform, issue_id: int) -> float:
    with platform.read() as s:
        user = s.scalar(select(User).where(User.username == "chen.zjj"))
        office = s.scalar(select(Office.id).where(Office.code == "jz-zjj"))
    data = publishing.ClarificationInput(title="关于传言的说明", claim="网传说法", facts=FACTS, signed_by="局长 张明",
                                         issue_id=issue_id)  # fmt: skip
    started = time.perf_counter()
    with platform.write() as s:
        publishing.check_publish_clarification(s, s.get(User, user.id), office, data, platform.now())  # type: ignore[arg-type, union-attr]
    return time.perf_counter() - started


def fan_out(platform: Platform, sizes: list[int]) -> None:
    base = min(_clarify(platform, 0) for _ in range(3))
    print(f"clarification on a claim (baseline): {base * 1000:.1f} ms")
    for n in sizes:
        issue_id = _issue_of(platform, n, seed=n)
        took = _clarify(platform, issue_id)
        per = (took - base) / n * 1e6
        print(f"clarification on an issue of {n:>5} messages: {took * 1000:8.1f} ms  ({per:.0f} µs per message told)")


def _fill(platform: Platform, posts: int, answers: int, questions: int) -> None:
    now = platform.now()
    with platform.write() as s:
        offices = s.scalars(select(Office.id)).all()
        s.execute(insert(Post), [{"office_id": offices[i % len(offices)], "kind": "notice", "title": f"通知{i}",
                                  "body": "正文", "published_at": now - timedelta(minutes=i), "updated_at": now}
                                 for i in range(posts)])  # fmt: skip
        first = s.scalar(select(Post.id))
        answer = {"post_id": first, "official_id": 1, "public_body": "答复", "review_state": "published"}
        rows = [{**answer, "author_name": "局", "office_id": offices[i % len(offices)],
                 "created_at": now - timedelta(minutes=i)} for i in range(answers)]  # fmt: skip
        s.execute(insert(PostComment), rows)
        interview = Interview(office_id=offices[0], title="访谈", intro="", starts_at=now, ends_at=now, answer_by=now)
        s.add(interview)
        s.flush()
        asked = {"interview_id": interview.id, "public_body": "问题", "author_name": "甲", "review_state": "published"}
        s.execute(insert(InterviewQuestion), [{**asked, "votes": i % 50, "answer": "回答", "answered_at": now,
                                               "created_at": now} for i in range(questions)])  # fmt: skip


def _silent(platform: Platform) -> float:
    with platform.read() as s:
        admin = s.scalar(select(User).where(User.username == "admin"))
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            publishing.silent_accounts(s, admin, platform.now())  # type: ignore[arg-type]
            best = min(best, time.perf_counter() - started)
    return best


def silent_list(platform: Platform) -> None:
    base = _silent(platform)
    _fill(platform, posts=5000, answers=20000, questions=2000)
    took = _silent(platform)
    print(f"silent list: empty publishing tables {base * 1000:.1f} ms (baseline); "
          f"5,000 posts + 20,000 answers + 2,000 interview answers {took * 1000:.1f} ms")  # fmt: skip


def live_poll(platform: Platform) -> None:
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

    from massline.web.app import create_app

    now = platform.now()
    with platform.write() as s:
        office = s.scalar(select(Office.id).where(Office.code == "jz-zjj"))
        interview = Interview(office_id=office, title="直播", intro="", starts_at=now - timedelta(minutes=5),
                              ends_at=now + timedelta(hours=1), answer_by=now + timedelta(days=7))  # fmt: skip
        s.add(interview)
        s.flush()
        asked = {"interview_id": interview.id, "public_body": "加装电梯的补贴什么时候发？" * 3}
        s.execute(insert(InterviewQuestion), [{**asked, "author_name": "网友", "review_state": "published", "votes": i,
                                               "answer": "验收合格后发放。" if i % 2 else None, "created_at": now}
                                              for i in range(200)])  # fmt: skip
        interview_id = interview.id
    with TestClient(create_app(platform)) as client:
        for path, label in (("/api/v1/health", "health (yardstick)"), (f"/api/v1/interviews/{interview_id}/live",
                                                                       "live poll, 200 questions")):  # fmt: skip
            client.get(path)
            started, count = time.perf_counter(), 0
            while time.perf_counter() - started < 3:
                assert client.get(path).status_code == 200
                count += 1
            print(f"{label}: {count / (time.perf_counter() - started):.0f} requests/s (one thread, in-process)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", default="100,1000,5000", help="issue sizes for the fan-out")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as folder:
        platform = _platform(Path(folder))
        fan_out(platform, [int(n) for n in args.messages.split(",")])
        silent_list(platform)
        live_poll(platform)
        platform.dispose()


if __name__ == "__main__":
    main()
