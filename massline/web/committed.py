"""Awaiting the submission writer from the event loop, one wake-up per batch.

The writer thread (``services.submissions``) resolves plain futures;
``asyncio.wrap_future`` would wake the loop once per submission, so a small
waker collects the finished ones and hands them over in one call.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections import deque
from concurrent.futures import Future

from massline.services.intake import Submitted


class _Waker:
    """Hands finished writer futures to one event loop: one wake-up for a whole batch
    (``asyncio.wrap_future`` would wake the loop once per submission)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.ready: deque[tuple[Future[Submitted], asyncio.Future[Submitted]]] = deque()
        self.scheduled = False

    def done(self, source: Future[Submitted], target: asyncio.Future[Submitted]) -> None:
        """Called in the writer thread when ``source`` is resolved."""
        self.ready.append((source, target))
        if not self.scheduled:  # checked after appending: a running drain() still sees the item
            self.scheduled = True
            self.loop.call_soon_threadsafe(self.drain)

    def drain(self) -> None:
        """Called in the loop: copy every finished result to its asyncio future."""
        self.scheduled = False
        while self.ready:
            source, target = self.ready.popleft()
            if target.cancelled():
                continue
            exc = source.exception()
            if exc is not None:
                target.set_exception(exc)
            else:
                target.set_result(source.result())


_wakers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Waker] = weakref.WeakKeyDictionary()


async def committed(source: Future[Submitted]) -> Submitted:
    """Wait in the event loop for a submission queued on the writer thread."""
    loop = asyncio.get_running_loop()
    waker = _wakers.get(loop)
    if waker is None:
        waker = _wakers[loop] = _Waker(loop)
    target: asyncio.Future[Submitted] = loop.create_future()
    source.add_done_callback(functools.partial(waker.done, target=target))
    return await target
