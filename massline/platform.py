"""The running platform: settings, database, cipher, limiters and plugins, built once.

Web, CLI and worker each build one ``Platform`` and hand its sessions and
helpers to the service functions. Its plugins (pipeline steps, importers,
exporters: ``massline.plugins``) are loaded here, at start-up, from the
settings; nothing registers itself on import.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from functools import partial

from sqlalchemy.orm import Session

from massline.config import Settings, get_settings
from massline.db import make_engine, make_sessionmaker, transaction
from massline.migrate import upgrade
from massline.models import utcnow
from massline.plugins import Plugins, load_plugins
from massline.services import people as passwords
from massline.services.crypto import FieldCipher
from massline.services.intake import StoreProcess, SubmissionWriter
from massline.services.ratelimit import RateLimiter


class Platform:
    """Everything a request, command or worker run needs, built from one Settings."""

    def __init__(self, settings: Settings | None = None, *, plugins: Plugins | None = None) -> None:
        self.settings = settings or get_settings()
        #: the plugins of this platform: the built-ins, then the ``plugins`` setting's, then entry points'
        self.plugins = plugins if plugins is not None else load_plugins(self.settings.plugins)
        self.engine = make_engine(self.settings.database_url)
        self.sessions = make_sessionmaker(self.engine)
        self.cipher = FieldCipher(self.settings.resolved_secret("encryption_key"))
        self.secret_key = self.settings.resolved_secret("secret_key")
        self.submit_limiter = RateLimiter(self.settings.submit_rate_limit, self.settings.submit_rate_window_seconds)
        self.login_limiter = RateLimiter(self.settings.login_rate_limit, self.settings.login_rate_window_seconds)
        self._write_lock: AbstractContextManager[object] = (
            threading.RLock() if self.settings.is_sqlite else nullcontext()
        )
        passwords.configure(self.settings.argon2_time_cost, self.settings.argon2_memory_kib)
        # group commit for concurrent submissions (the JSON API); its thread (and writer process,
        # for a database other processes can open) starts on first use
        in_memory = self.settings.is_sqlite and self.engine.url.database in (None, "", ":memory:")
        process = (
            StoreProcess(partial(_store_backend, self.settings))
            if self.settings.submission_process and not in_memory
            else None
        )
        self.submissions = SubmissionWriter(self.write, self.cipher, process=process)

    def migrate(self) -> None:
        """Bring the database to the newest schema."""
        upgrade(self.engine)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: all of it commits, or none of it.

        On SQLite, writers of this process queue on a lock (one writer at a
        time, as SQLite wants) instead of sleeping in SQLite's busy handler.
        """
        with self._write_lock, transaction(self.sessions, write=True) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work."""
        with transaction(self.sessions, write=False) as session:
            yield session

    def now(self) -> datetime:
        """The current time (UTC, aware)."""
        return utcnow()

    def dispose(self) -> None:
        """Stop the submission writer (after storing what is queued) and close the connection pool."""
        self.submissions.close()
        self.engine.dispose()


def _store_backend(settings: Settings) -> tuple[Callable[[], AbstractContextManager[Session]], FieldCipher]:
    """In the submission writer process: the write transactions and cipher of a Platform of its own."""
    platform = Platform(settings.model_copy(update={"submission_process": False}))
    return platform.write, platform.cipher
