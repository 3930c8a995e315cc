"""The supervision channel's costs: filing, following and opening a sealed report; the audit hash chain.

In one process on a fresh SQLite instance with the demo deployment (its two
纪委监委 offices and their handlers' keys), times per operation, each in its own
write transaction as a request would run it:

- filing a report (``check_file_report``: validate, route, seal to every recipient,
  derive the reporter's key with argon2id), against the baseline of submitting a
  message of the same text (``intake.check_submit``) in the same run;
- following it by receipt (argon2id of the secret, open the sealed key, decrypt);
- a handler opening it (open the sealed key, decrypt, one audit row);
- ``audit.record`` with the hash chain (lock the head, hash, two writes) against a plain
  insert of the same row (the baseline: what it cost before the chain);
- ``massline audit verify``'s pace (rows checked per second).

    python benchmarks/bench_supervision.py [--reports 40] [--audit 400] [--chain 20000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT, machine
from sqlalchemy import select

from massline.config import Settings
from massline.io.deployment_yaml import load_deployment
from massline.models import AuditLog, SupervisionReport, User, utcnow
from massline.platform import Platform
from massline.services import audit, intake, supervision
from massline.services.deployment import check_apply_deployment

BODY = ("文昌街道南门口夜市，城管执法中队一名队员多次向摊主收取管理费，"
        "每摊每月三百元，不开收据，不交的摊位第二天就被清走。")


def _ms(times: list[float]) -> str:
    return f"median {statistics.median(times) * 1000:.1f} ms (p90 {sorted(times)[int(len(times) * 0.9)] * 1000:.1f})"


def _timed(n: int, step: Callable[[int], None]) -> list[float]:
    out = []
    for i in range(n):
        start = time.perf_counter()
        step(i)
        out.append(time.perf_counter() - start)
    return out


def _setup(instance: Path) -> tuple[Platform, dict[str, str]]:
    platform = Platform(Settings(environment="test", instance_dir=instance, submit_rate_limit=0,
                                 argon2_time_cost=1, argon2_memory_kib=64))
    platform.migrate()
    with platform.write() as s:
        load = check_apply_deployment(s, load_deployment(ROOT / "massline/data/demo/deployment.yaml"),
                                      passwords=platform.passwords)
        for name, password in load.users_created.items():
            user = s.scalar(select(User).where(User.username == name))
            if user is not None and supervision.is_handler(s, user):
                supervision.check_ensure_key(s, user, password, platform.now())
    return platform, load.users_created


def _reports(platform: Platform, passwords: dict[str, str], n: int) -> None:
    receipts: list[supervision.Filed] = []

    def file(i: int) -> None:
        with platform.write() as s:
            receipts.append(supervision.check_file_report(s, supervision.ReportInput(
                accused_office="jz-dc-gov", body=f"{BODY}（{i}）", reporter_name="某某", reporter_phone="13900000000"),
                platform.now()))

    def message(i: int) -> None:
        with platform.write() as s:
            intake.check_submit(s, platform.cipher, intake.MessageInput(
                title="夜市乱收费", body=f"{BODY}（{i}）", kind="投诉", region="jz-dc", source="api"), platform.now())

    print(f"file a report:         {_ms(_timed(n, file))}")
    print(f"  baseline, a message: {_ms(_timed(n, message))}")

    def follow(i: int) -> None:
        with platform.read() as s:
            supervision.follow_report(s, supervision.FollowInput(receipt_code=receipts[i].receipt_code,
                                                                 secret=receipts[i].secret))

    print(f"follow by receipt:     {_ms(_timed(n, follow))}")
    with platform.write() as s:
        handler = s.scalar(select(User).where(User.username == "gu.dcjw"))
        assert handler is not None
        private = supervision.check_password_key(s, handler, passwords["gu.dcjw"], platform.now())
        ids = list(s.scalars(select(SupervisionReport.id).order_by(SupervisionReport.id)))

    def open_report(i: int) -> None:
        with platform.write() as s:
            user = s.get(User, handler.id)
            assert user is not None
            supervision.check_open_report(s, user, ids[i], private, "受理审查")

    print(f"handler opens a report: {_ms(_timed(n, open_report))}")


def _audit(platform: Platform, n: int, chain: int) -> None:
    def chained(i: int) -> None:
        with platform.write() as s:
            audit.record(s, None, "bench", "bench", i, reason="核查")

    def plain(i: int) -> None:
        with platform.write() as s:
            s.add(AuditLog(actor_id=None, action="bench", object_type="bench", object_id=i, detail={"reason": "核查"},
                           created_at=utcnow()))

    print(f"audit.record (chained): {_ms(_timed(n, chained))}")
    print(f"  baseline, plain insert: {_ms(_timed(n, plain))}")
    with platform.write() as s:
        for i in range(chain):
            audit.record(s, None, "bench", "bench", i, reason="核查")
    with platform.read() as s:
        start = time.perf_counter()
        report = audit.verify_chain(s)
        seconds = time.perf_counter() - start
    print(f"audit verify: {report.checked} rows in {seconds:.2f} s ({report.checked / seconds:,.0f} rows/s), "
          f"{report.unchained} unchained rows apart, ok={report.ok}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=40)
    parser.add_argument("--audit", type=int, default=400)
    parser.add_argument("--chain", type=int, default=20_000)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        platform, passwords = _setup(Path(tmp))
        _reports(platform, passwords, args.reports)
        _audit(platform, args.audit, args.chain)
        platform.dispose()


if __name__ == "__main__":
    main()
