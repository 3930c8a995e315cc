"""Incremental issue assignment in the platform: latency of one message through the issue step, DB included.

Run: ``python benchmarks/bench_issues.py [--sizes 100000 1000000] [--samples 200] [--join-share 0.5]``

For each size N, a fresh SQLite database (migrated, WAL) gets N synthetic
messages already clustered into N/10 issues — stored with bulk Core inserts:
messages, issue rows, clustering state (centroid of ~30 terms), place keys and
their pieces, term postings, document frequencies, place vocabulary — the same
tables the issue step reads. Compounds get distinct CJK names (``东南西北花园``),
problems come from a list of 60 nuisances, so blocks and postings look like a
city's. Then ``--samples`` new messages (a ``--join-share`` of them, default
half, about a stored issue's compound and problem; the others about a compound
whose name shares no character with a stored one) each go through
``issues.assign_message`` + ``issues.refresh_issues`` (figures, heat,
description, alert checks) in their own write transaction, commit included.

The figures are reported separately for messages that joined a stored issue
and messages that founded a new one, counted by what happened (a new Issue
row was created or not), not by what the generator meant; the generator's
intent against the outcome and the assignment's reasons are printed too. When
an outcome has fewer messages than intended, more are sent (at most 3 x
``--samples``), so each gets its share (100 each with the defaults).
Printed: p50/p95/max of each, the baseline (a primary-key read of a message in
its own read transaction, between the new messages, same run), the build time
and max RSS.
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from massline.config import Settings  # noqa: E402
from massline.models import (  # noqa: E402
    Issue,
    IssueCluster,
    IssuePlaceKey,
    IssuePlacePiece,
    IssuePosting,
    IssueTermDf,
    IssueVocabulary,
    Message,
)
from massline.platform import Platform  # noqa: E402
from massline.services import issues  # noqa: E402
from massline.services.issues.rows import pieces as _pieces  # noqa: E402

CHARS = "东南西北中华兴隆盛安康泰和平福春秋金银翠"
FRESH = "梅兰竹菊松柏桂枫杉桦榆槐樱桃杏李"  # no character of CHARS
_fresh = itertools.count(1)  # new places are never reused, the warm-up's included
SUFFIX = "花园"
PROBLEMS = (
    "车位 捆绑 销售|噪音 施工 扰民|油烟 餐馆 排放|漏水 渗水 楼顶|电梯 停运 故障|物业 收费 乱收|垃圾 堆放 清运|"
    "路灯 不亮 维修|停水 供水 水压|停电 电压 跳闸|违建 搭建 拆除|学位 入学 划片|拆迁 补偿 安置|欠薪 工资 拖欠|"
    "广场舞 音响 扰民|公交 线路 站点|下水道 堵塞 污水|绿化 树木 砍伐|消防 通道 占用|停车 乱停 占道|"
    "暖气 供暖 温度|燃气 管道 老化|宠物 狗 扰民|装修 噪音 周末|网络 宽带 信号|菜市场 卫生 脏乱|"
    "外墙 脱落 危险|围墙 倒塌 隐患|化粪池 臭味 溢出|监控 安装 安全|门禁 故障 外人|快递 柜 收费|"
    "充电桩 电动车 安装|烧烤 夜宵 油烟|工地 扬尘 粉尘|渣土车 撒漏 道路|河道 黑臭 治理|厕所 公厕 缺少|"
    "幼儿园 收费 过高|医院 挂号 排队|社保 缴费 断缴|户口 迁移 办理|低保 申请 审核|公积金 提取 贷款|"
    "房产证 办理 延期|交房 延期 违约|质量 开裂 墙面|学校 食堂 卫生|校车 安全 超载|药店 价格 过高|"
    "出租车 拒载 绕路|共享单车 乱停 堆积|摊贩 占道 经营|KTV 噪音 深夜|健身 器材 损坏|井盖 缺失 危险|"
    "树枝 挡光 修剪|排水 积水 内涝|信号塔 辐射 担心|养殖 臭味 污染"
).split("|")


def name(i: int) -> str:
    """A distinct CJK compound name for issue ``i``."""
    digits = []
    for _ in range(4):
        i, r = divmod(i, len(CHARS))
        digits.append(CHARS[r])
    return "".join(digits) + ("" if i == 0 else CHARS[i % len(CHARS)])


def build(platform: Platform, n: int, rng: random.Random) -> float:
    """Store n clustered synthetic messages (10 per issue) with their index rows; returns seconds."""
    start = time.perf_counter()
    now = datetime.now(UTC)
    n_issues = n // 10
    with platform.engine.begin() as conn:
        df: dict[str, int] = {}
        batch_m: list[dict[str, object]] = []
        batch = {"i": [], "c": [], "k": [], "p": [], "q": [], "v": []}  # type: ignore[var-annotated]

        def flush() -> None:
            for table, rows in ((Issue, batch["i"]), (IssueCluster, batch["c"]), (IssuePlaceKey, batch["k"]),
                                (IssuePlacePiece, batch["p"]), (IssuePosting, batch["q"]),
                                (IssueVocabulary, batch["v"])):  # fmt: skip
                if rows:
                    conn.execute(insert(table).prefix_with("OR IGNORE"), rows)
                    rows.clear()
            if batch_m:
                conn.execute(insert(Message), batch_m)
                batch_m.clear()

        for k in range(n_issues):
            place = name(k)
            words = PROBLEMS[k % len(PROBLEMS)].split()
            terms = words + [f"{w}{j}" for w in words for j in range(3)] + ["#" + words[0]]
            centroid = {t: round(1.0 / (1 + i), 4) for i, t in enumerate(terms)}
            posted = list(centroid)[:8]
            created = now - timedelta(days=rng.randint(1, 720))
            batch["i"].append({"id": k + 1, "title": f"{place}{SUFFIX} {''.join(words[:2])}", "place": place,
                               "problem": words[0], "summary": "", "keywords": words, "representatives": [],
                               "message_count": 10, "people_count": 10, "support_count": 0, "opposition_count": 0,
                               "public_count": 10, "heat": 5.0, "heat_components": [], "status": "open",
                               "recurring": False, "recurrence_count": 0, "described_count": 10, "dirty": False,
                               "first_message_at": created, "last_message_at": created, "created_at": created,
                               "updated_at": created})  # fmt: skip
            batch["c"].append({"issue_id": k + 1, "place_key": place, "centroid": centroid,
                               "norm2": sum(w * w for w in centroid.values()), "keys": [place], "posted": posted,
                               "place_names": {place + SUFFIX: 10}, "regions": {}})  # fmt: skip
            batch["k"].append({"place_key": place, "issue_id": k + 1})
            batch["p"] += [{"piece": p, "place_key": place} for p in _pieces(place, 2, len(place))]
            for t in posted:
                batch["q"] += [{"place_key": place, "term": t, "issue_id": k + 1},
                               {"place_key": "*", "term": t, "issue_id": k + 1}]  # fmt: skip
            batch["v"].append({"place_key": place, "kind": "compound", "count": 10})
            for t in terms:
                df[t] = df.get(t, 0) + 10
            for j in range(10):
                mid = k * 10 + j + 1
                batch_m.append({"id": mid, "tracking_code": f"T{mid:012d}", "secret_hash": "x" * 64,
                                "title": f"{place}{SUFFIX}{words[0]}{words[1]}问题",
                                "body": f"{place}{SUFFIX}{words[0]}{words[1]}{words[2]}，请处理。", "kind": "投诉",
                                "status": "assigned", "is_public": True, "author_name": f"u{mid}",
                                "source": "bench", "support_count": 0, "reopen_count": 0, "escalated": False,
                                "created_at": created + timedelta(hours=j), "updated_at": created,
                                "issue_id": k + 1})  # fmt: skip
            if len(batch_m) >= 20000:
                flush()
        flush()
        df_rows = [{"term": t, "df": v} for t, v in df.items()] + [{"term": "", "df": n}]
        conn.execute(insert(IssueTermDf), df_rows)
    return time.perf_counter() - start


def fresh_name(i: int) -> str:
    """A compound name for a new place: none of its characters occurs in the stored issues' names."""
    digits = []
    for _ in range(4):
        i, r = divmod(i, len(FRESH))
        digits.append(FRESH[r])
    return "".join(digits) + ("" if i == 0 else FRESH[i % len(FRESH)])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[int(p / 100 * (len(ordered) - 1))] * 1000 if ordered else float("nan")


def measure(platform: Platform, n: int, samples: int, join_share: float, rng: random.Random) -> dict[str, object]:
    """One new message at a time through the issue step (+ refresh), counted by what happened to it
    (joined a stored issue, or founded a new one), and the PK-read baseline between them.

    ``samples`` messages are sent, a ``join_share`` of them written about a stored issue's compound and
    problem, the others about a compound no stored issue names; while either outcome has fewer than its
    intended count, more are sent (at most 3 x ``samples`` in all), so both get enough samples even where
    the generator's intent and the platform's decision differ.
    """
    n_issues = n // 10
    want = {"joined": round(samples * join_share), "founded": samples - round(samples * join_share)}
    out: dict[str, dict[str, list[float]]] = {k: {"assign": [], "total": []} for k in want}
    intent = {"joined": {"joined": 0, "founded": 0}, "founded": {"joined": 0, "founded": 0}}
    reasons: dict[str, int] = {}
    base: list[float] = []
    with platform.read() as session:
        next_id = (session.scalar(select(Message.id).order_by(Message.id.desc()).limit(1)) or 0) + 1
        last_issue = session.scalar(select(Issue.id).order_by(Issue.id.desc()).limit(1)) or 0
    for s in range(3 * samples):
        short = {k: want[k] - len(out[k]["total"]) for k in want}
        if s >= samples and max(short.values()) <= 0:
            break
        if s < samples:
            about = "joined" if rng.random() < join_share else "founded"
        else:  # top up the outcome that is short
            about = max(short, key=lambda k: short[k])
        if about == "joined":
            k = rng.randrange(n_issues)
            place, words = name(k), PROBLEMS[k % len(PROBLEMS)].split()
        else:
            place, words = fresh_name(next(_fresh)), PROBLEMS[rng.randrange(len(PROBLEMS))].split()
        title = f"{place}{SUFFIX}{words[0]}{words[1]}严重"
        body = f"我是{place}{SUFFIX}业主，{words[0]}{words[2]}问题一直没有解决，{words[1]}影响生活，请尽快处理。"
        now = datetime.now(UTC)
        with platform.write() as session:
            session.execute(insert(Message), [{"id": next_id, "tracking_code": f"N{next_id:012d}",
                            "secret_hash": "x" * 64, "title": title, "body": body, "kind": "投诉",
                            "status": "assigned", "is_public": True, "author_name": f"n{s}", "source": "bench",
                            "support_count": 0, "reopen_count": 0, "escalated": False, "created_at": now,
                            "updated_at": now}])  # fmt: skip
        t0 = time.perf_counter()
        with platform.write() as session:
            message = session.get(Message, next_id)
            assert message is not None
            evidence = issues.assign_message(session, message, now)
            session.flush()
            assigned = time.perf_counter() - t0
            issues.refresh_issues(session, [evidence["issue"]], now)
        total = time.perf_counter() - t0
        outcome = "founded" if evidence["issue"] > last_issue else "joined"  # a new Issue row, or not
        last_issue = max(last_issue, evidence["issue"])
        reasons[str(evidence.get("how"))] = reasons.get(str(evidence.get("how")), 0) + 1
        intent[about][outcome] += 1
        out[outcome]["assign"].append(assigned)
        out[outcome]["total"].append(total)
        t0 = time.perf_counter()
        with platform.read() as session:
            session.scalar(select(Message.title).where(Message.id == rng.randint(1, n)))
        base.append(time.perf_counter() - t0)
        next_id += 1
    return {"out": out, "intent": intent, "reasons": reasons, "base": base}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--join-share", type=float, default=0.5, help="share of new messages about a stored issue")
    args = parser.parse_args()
    rng = random.Random(7)
    issues.refresh_issues  # noqa: B018  (import the step; loads the segmenter lazily below)
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(environment="test", instance_dir=Path(tmp), database_url=f"sqlite:///{tmp}/b.db")
            platform = Platform(settings)
            platform.migrate()
            built = build(platform, n, rng)
            measure(platform, n, 6, 0.5, rng)  # warm up: segmenter, caches
            r = measure(platform, n, args.samples, args.join_share, rng)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            out: dict[str, dict[str, list[float]]] = r["out"]  # type: ignore[assignment]
            intent: dict[str, dict[str, int]] = r["intent"]  # type: ignore[assignment]
            base: list[float] = r["base"]  # type: ignore[assignment]
            print(
                f"N={n:>9,}  build {built:6.1f} s; {sum(map(len, (o['total'] for o in out.values())))} new messages: "
                f"written about a stored issue {sum(intent['joined'].values())} (joined {intent['joined']['joined']}, "
                f"founded {intent['joined']['founded']}), about a new place {sum(intent['founded'].values())} "
                f"(joined {intent['founded']['joined']}, founded {intent['founded']['founded']}); "
                f"assignment reasons {r['reasons']}"
            )
            for outcome, label in (("joined", "joining a stored issue"), ("founded", "founding a new issue")):
                a, t = out[outcome]["assign"], out[outcome]["total"]
                print(
                    f"  {label:24s} ({len(t):4d})  assignment (step, flushed) p50 {pct(a, 50):5.1f} ms  "
                    f"p95 {pct(a, 95):5.1f} ms | + refresh + commit p50 {pct(t, 50):5.1f} ms  "
                    f"p95 {pct(t, 95):5.1f} ms  max {pct(t, 100):6.1f} ms"
                )
            print(
                f"  baseline: PK read in a read txn   p50 {pct(base, 50):.2f} ms  p95 {pct(base, 95):.2f} ms\n"
                f"  max RSS {rss:.0f} MB; target < 50 ms (assignment + refresh + commit, p95)"
            )
            platform.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
