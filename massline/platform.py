"""The running platform: settings, database, cipher, limiters and plugins, built once.

Web, CLI and worker each build one ``Platform`` and hand its sessions and
helpers to the service functions. Its plugins (pipeline steps, importers,
exporters: ``massline.plugins``) are loaded here, at start-up, from the
settings; nothing registers itself on import.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta
from functools import cached_property, partial

from sqlalchemy.orm import Session

from massline.config import Settings, get_settings
from massline.db import WriteLock, make_engine, make_sessionmaker, transaction, write_lock
from massline.migrate import upgrade
from massline.models import utcnow
from massline.plugins import Plugins, load_plugins
from massline.services import notify
from massline.services.crypto import FieldCipher
from massline.services.people import Passwords
from massline.services.ratelimit import RateLimiter, StanceLimits


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
        s, key = self.settings, self.secret_key
        #: per address: submissions, login attempts, tracking lookups/ratings/reopens
        self.submit_limiter = RateLimiter("submit", s.submit_rate_limit, s.submit_rate_window_seconds, key)
        self.login_limiter = RateLimiter("login", s.login_rate_limit, s.login_rate_window_seconds, key)
        self.track_limiter = RateLimiter("track", s.track_rate_limit, s.track_rate_window_seconds, key)
        #: failed logins per (address, username)
        self.login_failures = RateLimiter("login-failed", s.lockout_threshold, s.lockout_minutes * 60, key)
        #: supports and oppositions: per address and message a day, per address an hour
        self.stance_limits = StanceLimits(
            RateLimiter("stance-message", s.stance_limit_per_message, 86400, key),
            RateLimiter("stance-hour", s.stance_limit_per_hour, 3600, key),
        )
        #: login codes and secret recoveries: per address, and per contact or tracking code
        self.contact_code_limiter = RateLimiter(
            "contact-code", s.contact_code_rate_limit, s.contact_code_rate_window_seconds, key
        )
        self._write_lock: WriteLock | None = write_lock(self.engine) if self.settings.is_sqlite else None
        self.passwords = Passwords(self.settings.argon2_time_cost, self.settings.argon2_memory_kib)

    @cached_property
    def links(self) -> notify.Links:
        """The site's name and public address, for the links in notifications (built on first use)."""
        s = self.settings
        return notify.Links(s.site_name, (s.public_url or f"http://{s.host}:{s.port}").rstrip("/"))

    @cached_property
    def code_policy(self) -> notify.CodePolicy:
        """How long a citizen's login code lives and how many tries it allows (built on first use)."""
        return notify.CodePolicy(timedelta(minutes=self.settings.login_code_minutes), self.settings.login_code_attempts)

    def notifier(self, *, background: bool = True) -> notify.Notifier:
        """The notifier of this platform: its drivers from the settings, its transactions ``background`` ones."""
        return notify.Notifier(
            partial(self.write, background=background), self.cipher, notify.build_channels(self.settings),
            self.links, self.now, notify.NotifyParams.from_settings(self.settings),
        )  # fmt: skip

    def migrate(self) -> None:
        """Bring the database to the newest schema."""
        upgrade(self.engine)

    @contextmanager
    def write(self, *, background: bool = False) -> Iterator[Session]:
        """A write transaction: all of it commits, or none of it.

        On SQLite, writers of this process queue on the database's
        ``db.write_lock`` (one writer at a time, as SQLite wants, first come
        first served) instead of sleeping in SQLite's busy handler; a
        ``background`` writer (the analysis worker) lets waiting requests go first.
        """
        held = self._write_lock.held(background=background) if self._write_lock is not None else nullcontext()
        with held, transaction(self.sessions, write=True) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work."""
        with transaction(self.sessions, write=False) as session:
            yield session

    def rate_limit(self, limiter: RateLimiter, key: str) -> None:
        """Count one event of ``key`` in its own short write transaction; RateLimited when over the limit.

        The counts live in the database, so the limit holds across every worker process.
        """
        if limiter.limit <= 0:
            return
        with self.write() as session:
            limiter.hit(session, key, self.now())

    def now(self) -> datetime:
        """The current time (UTC, aware)."""
        return utcnow()

    def dispose(self) -> None:
        """Close the connection pool."""
        self.engine.dispose()

