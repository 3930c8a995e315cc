"""The reply desk's cost per request, in-process on the demo deployment (SQLite).

Loads the demo (``services.demo.load_demo``) into a temporary instance, adds ``--rated`` more public
messages with a published reply and a 5-star rating (texts of the contest's ``replied_messages.csv``
when present, else the demo's) so that the examples search scans a full candidate set, and a glossary
(``--glossary FILE``, else the shipped file when present, else ``--terms`` generated words). Then it
times, each the best of ``--runs`` passes over the same cases:

* **live review** — ``replies.live_review`` (access check, the case's deadline and marks, the review,
  its JSON) on real reply texts, against the baseline ``analysis.replies.review_reply`` alone on the
  same texts: what the service adds to the pure review;
* **case page desk** — ``replies.desk_view`` (demands, glossary hints, the saved draft's review, the
  examples and skeletons) on accepted cases, each case's first view (its examples searched among the
  candidates) and drawn again (the examples kept for a minute), against the baseline
  ``casework.case_view`` (the case page's own data) of the same cases;
* **draft saved** — ``replies.act`` with a ``reply`` request (the casework action, the stored review and
  the approval decision), against the baseline ``casework.act`` with the same request.

    python benchmarks/bench_reply_desk.py [--rated 500] [--terms 300] [--cases 50] [--runs 3] [--glossary FILE]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import ROOT, SHARED_DATA, machine

sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from massline.analysis.replies import CaseText, review_reply  # noqa: E402
from massline.config import Settings  # noqa: E402
from massline.models import GlossaryTerm, Message, Rating, User  # noqa: E402
from massline.platform import Platform  # noqa: E402
from massline.services import casework, replies  # noqa: E402
from massline.services.demo import load_demo  # noqa: E402
from massline.services.intake import MessageInput, check_submit  # noqa: E402


def _pairs(limit: int) -> list[tuple[str, str, str]]:
    path = SHARED_DATA / "replied_messages.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [(r["留言主题"].strip(), r["留言详情"].strip(), r["答复意见"].strip()) for r in csv.DictReader(handle)]
    return [r for r in rows if len(r[1]) >= 10 and len(r[2]) >= 10][:limit]


def _platform(base: Path) -> Platform:
    settings = Settings(environment="test", instance_dir=base, database_url=f"sqlite:///{base}/bench.db",
                        submit_rate_limit=0, argon2_time_cost=1, argon2_memory_kib=64)  # fmt: skip
    platform = Platform(settings)
    platform.migrate()
    load_demo(platform)
    return platform


def _office_case(session: Any, platform: Platform, title: str, body: str) -> tuple[Message, User] | None:
    staff = session.scalar(select(User).where(User.role == "official", User.is_active.is_(True)).order_by(User.id))
    assert staff is not None and staff.office is not None
    data = MessageInput(title=title[:60] or "留言", body=body[:2000], kind="投诉", addressee_office=staff.office.code)
    message = check_submit(session, platform.cipher, data, platform.now()).message
    if message.office_id != staff.office_id:
        return None
    message.review_state = "published"
    casework.do_accept(session, staff, message, platform.now())
    return message, staff


def _fill(platform: Platform, pairs: list[tuple[str, str, str]], rated: int, terms: int,
          glossary: Path | None = None) -> None:  # fmt: skip
    now = platform.now()
    with platform.write() as s:
        for title, body, reply in pairs[:rated]:
            made = _office_case(s, platform, title, body)
            if made is None:
                continue
            message, staff = made
            casework.check_draft_reply(s, staff, message, reply[:5000], now)
            casework.do_publish_reply(s, staff, message, now)
            s.add(Rating(message=message, reply_id=message.replies[-1].id, score=5, created_at=now))
        if not s.scalar(select(GlossaryTerm.id).limit(1)):
            if replies.check_seed_glossary(s, now, glossary) == 0:  # the shipped file, else generated terms
                for i in range(terms):
                    s.add(GlossaryTerm(term=f"网词{i:03d}", variants=[], meaning="释义", note="", example="",
                                       suits_reply=False, reply_hint="", updated_at=now))  # fmt: skip


def _best(runs: int, fn: Callable[[], int]) -> tuple[float, int]:
    times, n = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        n = fn()
        times.append(time.perf_counter() - start)
    return min(times), n


def _report(name: str, measured: tuple[float, int], baseline: tuple[float, int], what: str) -> None:
    (t, n), (b, m) = measured, baseline
    print(f"{name:18s} {1000 * t / max(n, 1):7.2f} ms each ({n / t:7.0f}/s)   baseline {what}: "
          f"{1000 * b / max(m, 1):7.2f} ms each ({m / b:7.0f}/s)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rated", type=int, default=500)
    parser.add_argument("--terms", type=int, default=300)
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--glossary", type=Path, default=None, help="a glossary file (default: the shipped one)")
    args = parser.parse_args()
    fallback = [("小区电梯坏了", "小区电梯坏了一周没人修，请尽快处理。", "您好，已安排维修，本周内修好。")]
    pairs = _pairs(args.rated + args.cases) or fallback
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        platform = _platform(Path(tmp))
        _fill(platform, pairs, args.rated, args.terms, args.glossary)
        todo = pairs[args.rated :][: args.cases] or pairs[: args.cases]
        with platform.write() as s:
            cases = [(m.id, st.id, r) for (t, b, r) in todo if (made := _office_case(s, platform, t, b))
                     for m, st in [made]]  # fmt: skip
        with platform.read() as s:
            counts = (s.query(GlossaryTerm).count(), s.query(Rating).count())
        print(f"set-up {time.perf_counter() - started:.1f} s: {len(cases)} accepted cases, "
              f"{counts[1]} ratings, {counts[0]} glossary terms")
        now = platform.now()

        def live() -> int:
            with platform.read() as s:
                for mid, uid, text in cases:
                    replies.live_review(s, s.get(User, uid), mid, text, now)
            return len(cases)

        def pure() -> int:
            with platform.read() as s:
                rows = [(s.get(Message, mid), text) for mid, uid, text in cases]
                texts = [(CaseText(m.title, m.body, m.created_at, 15.0), text) for m, text in rows if m]
            for case, text in texts:
                review_reply(case, text, replied_at=now)
            return len(texts)

        def desk_of(some: list[tuple[int, int, str]]) -> int:
            with platform.read() as s:
                for mid, uid, _ in some:
                    replies.desk_view(s, s.get(User, uid), s.get(Message, mid), now)
            return len(some)

        def desk() -> int:
            return desk_of(cases)

        def page() -> int:
            with platform.read() as s:
                for mid, uid, _ in cases:
                    casework.case_view(s, s.get(User, uid), mid)
            return len(cases)

        def save(act: Callable[..., Any]) -> Callable[[], int]:
            def run() -> int:
                with platform.write() as s:
                    for mid, uid, text in cases:
                        act(s, s.get(User, uid), mid, casework.ReplyRequest(body=text[:5000]), now)
                return len(cases)

            return run

        _report("live review", _best(args.runs, live), _best(args.runs, pure), "review_reply alone")
        cold = _best(1, lambda: desk_of(cases[:1]))  # the process's first: every candidate's bigrams counted
        print(f"case page desk, the process's first view: {1000 * cold[0]:.0f} ms")
        first = _best(1, lambda: desk_of(cases[1:]))  # each case's first view: its examples searched
        _report("case page desk", first, _best(args.runs, page), "case_view")
        _report("  drawn again", _best(args.runs, desk), _best(args.runs, page), "case_view")
        _report("draft saved", _best(args.runs, save(replies.act)), _best(args.runs, save(casework.act)),
                "casework.act")  # fmt: skip
        platform.dispose()
    print(f"(best of {args.runs} runs each)")


if __name__ == "__main__":
    main()
