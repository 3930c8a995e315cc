"""Incremental issue assignment in the platform: latency of one message through the issue step, DB included.

Run: ``python benchmarks/bench_issues.py [--sizes 100000 1000000] [--samples 200]``

For each size N, a fresh SQLite database (migrated, WAL) gets N synthetic
messages already clustered into N/10 issues — stored with bulk Core inserts:
messages, issue rows, clustering state (centroid of ~30 terms), place keys and
their pieces, term postings, document frequencies, place vocabulary — the same
tables the issue step reads. Compounds get distinct CJK names (``东南西北花园``),
problems come from a list of 60 nuisances, so blocks and postings look like a
city's. Then ``--samples`` new messages (half about a stored issue's compound
and problem, half about new places) each go through
``issues.assign_message`` + ``issues.refresh_issues`` (figures, heat,
description, alert checks) in their own write transaction, commit included.
Printed: p50/p95/max of that, the baseline (a primary-key read of a message
in its own read transaction, same run), the build time and max RSS.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
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
from massline.services.issues.index import _pieces  # noqa: E402

CHARS = "东南西北中华兴隆盛安康泰和平福春秋金银翠"
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


def measure(platform: Platform, n: int, samples: int, rng: random.Random) -> dict[str, float]:
    """p50/p95/max of one new message through the issue step (+ refresh), and the PK-read baseline."""
    n_issues = n // 10
    times, base, assign = [], [], []
    joined = 0
    with platform.read() as session:
        next_id = (session.scalar(select(Message.id).order_by(Message.id.desc()).limit(1)) or 0) + 1
    for s in range(samples):
        if s % 2 == 0:
            k = rng.randrange(n_issues)
            place, words = name(k), PROBLEMS[k % len(PROBLEMS)].split()
        else:
            place, words = name(n_issues + s), PROBLEMS[s % len(PROBLEMS)].split()
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
            assign.append(time.perf_counter() - t0)
            issues.refresh_issues(session, [evidence["issue"]], now)
            joined += evidence["how"] != "new"
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with platform.read() as session:
            session.scalar(select(Message.title).where(Message.id == rng.randint(1, n)))
        base.append(time.perf_counter() - t0)
        next_id += 1
    times.sort()
    base.sort()
    assign.sort()
    return {
        "p50": statistics.median(times) * 1000,
        "p95": times[int(0.95 * (len(times) - 1))] * 1000,
        "max": times[-1] * 1000,
        "base_p50": statistics.median(base) * 1000,
        "base_p95": base[int(0.95 * (len(base) - 1))] * 1000,
        "joined": joined,
        "a50": statistics.median(assign) * 1000,
        "a95": assign[int(0.95 * (len(assign) - 1))] * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(7)
    issues.refresh_issues  # noqa: B018  (import the step; loads the segmenter lazily below)
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(environment="test", instance_dir=Path(tmp), database_url=f"sqlite:///{tmp}/b.db")
            platform = Platform(settings)
            platform.migrate()
            built = build(platform, n, rng)
            measure(platform, n, 5, rng)  # warm up: segmenter, caches
            r = measure(platform, n, args.samples, rng)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"N={n:>9,}  build {built:6.1f} s  ({r['joined']:.0f}/{args.samples} joined a stored issue)\n"
                f"  assignment (step, flushed)         p50 {r['a50']:.1f} ms  p95 {r['a95']:.1f} ms\n"
                f"  assignment + refresh + commit      p50 {r['p50']:.1f} ms  p95 {r['p95']:.1f} ms  "
                f"max {r['max']:.1f} ms\n"
                f"  baseline: PK read in a read txn    p50 {r['base_p50']:.2f} ms  p95 {r['base_p95']:.2f} ms\n"
                f"  max RSS {rss:.0f} MB"
            )
            platform.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
