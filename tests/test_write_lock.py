"""SQLite's one writer: the writers of a process queue first come, first served, on one lock per database."""

from __future__ import annotations

import threading
import time

from massline.config import Settings
from massline.db import WriteLock
from massline.platform import Platform


def test_waiting_threads_get_the_lock_in_arrival_order_not_the_one_that_asks_again() -> None:
    lock = WriteLock()
    order: list[str] = []
    lock.acquire()

    def writer(name: str) -> None:
        with lock:
            order.append(name)

    threads = []
    for name in ("a", "b", "c"):
        t = threading.Thread(target=writer, args=(name,))
        t.start()
        threads.append(t)
        while len(lock._waiting) < len(threads):  # queued in this order
            time.sleep(0.001)
    lock.release()
    lock.acquire()  # the releasing thread asks again at once: it queues behind a, b and c
    order.append("again")
    lock.release()
    for t in threads:
        t.join(5)
    assert order == ["a", "b", "c", "again"]


def test_the_lock_is_reentrant_and_checks_its_owner() -> None:
    lock = WriteLock()
    with lock, lock:
        assert lock._depth == 2
    assert lock._owner is None
    errors: list[BaseException] = []

    def stranger() -> None:
        try:
            lock.release()
        except RuntimeError as exc:
            errors.append(exc)

    with lock:
        t = threading.Thread(target=stranger)
        t.start()
        t.join(5)
    assert len(errors) == 1


def test_platforms_of_one_database_share_the_lock(settings: Settings) -> None:
    a, b = Platform(settings), Platform(settings)  # e.g. the web app and the worker of massline serve
    try:
        if settings.is_sqlite:
            assert a._write_lock is b._write_lock
    finally:
        a.dispose()
        b.dispose()


def _queue(lock: WriteLock, name: str, order: list[str], *, background: bool = False) -> threading.Thread:
    def writer() -> None:
        with lock.held(background=background):
            order.append(name)

    before = len(lock._waiting) + len(lock._background)
    t = threading.Thread(target=writer)
    t.start()
    while len(lock._waiting) + len(lock._background) == before:
        time.sleep(0.001)
    return t


def test_a_background_writer_lets_waiting_requests_go_first_within_its_patience() -> None:
    lock = WriteLock(patience=60)
    order: list[str] = []
    lock.acquire()
    threads = [_queue(lock, "worker", order, background=True), _queue(lock, "a", order), _queue(lock, "b", order)]
    lock.release()
    for t in threads:
        t.join(5)
    assert order == ["a", "b", "worker"]


def test_a_background_writer_waits_no_longer_than_its_patience() -> None:
    lock = WriteLock(patience=0.05)
    order: list[str] = []
    lock.acquire()
    threads = [_queue(lock, "worker", order, background=True), _queue(lock, "a", order)]
    time.sleep(0.06)
    lock.release()
    for t in threads:
        t.join(5)
    assert order == ["worker", "a"]
