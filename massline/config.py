"""One typed settings object for the whole platform.

Values come from the environment (prefix ``MASSLINE_``, any case) or a ``.env``
file in the working directory (a variable of the environment wins over the
file's; an argument of ``Settings(...)`` over both); defaults live here, in code. Secrets are read
only from the environment or a secrets file. Outside development the platform
refuses to start with a missing or placeholder secret.

The values are read by :meth:`Settings._from_environment`, a plain pydantic
validator, and pydantic converts and checks them. (pydantic-settings did this
before; importing it cost every command about 20 ms of CPU, and the
python-dotenv it used is imported only when there is a ``.env`` file.)
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "dev", "development"}
ENV_PREFIX = "MASSLINE_"
ENV_FILE = Path(".env")


class Settings(BaseModel):
    """Every setting of a Massline deployment. See docs/configuration.md."""

    model_config = ConfigDict(extra="ignore", validate_default=True)

    environment: Literal["development", "production", "test"] = Field(
        default="development", description="production refuses placeholder secrets and sends cookies over HTTPS only."
    )
    instance_dir: Path = Field(
        default=Path("instance"), description="Where the SQLite file, generated keys and models live."
    )
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means a SQLite file in instance_dir.")
    secret_key: str = Field(default="", description="Signs session cookies and API tokens.")
    encryption_key: str = Field(default="", description="Fernet key encrypting sensitive fields at rest.")
    host: str = Field(default="127.0.0.1", description="Address `massline serve` listens on.")
    port: int = Field(default=8000, description="Port `massline serve` listens on.")
    site_name: str = Field(default="Massline 网络问政平台", description="Site name until a deployment file sets one.")
    timezone: str = Field(
        default="Asia/Shanghai", description="Time zone for showing times (the deployment file may set its own)."
    )
    # abuse protection
    submit_rate_limit: int = Field(
        default=10, description="Public submissions allowed per client per window (0 = off)."
    )
    submit_rate_window_seconds: int = Field(default=600, description="Window of the submission limit.")
    login_rate_limit: int = Field(default=20, description="Login attempts per client per window (0 = off).")
    login_rate_window_seconds: int = Field(default=300, description="Window of the login limit.")
    lockout_threshold: int = Field(
        default=5,
        description="Failed logins from one address for one username before that pair is throttled "
        "(the account itself is never locked).",
    )
    lockout_minutes: int = Field(default=15, description="Window of the failed-login throttle (minutes).")
    track_rate_limit: int = Field(
        default=20, description="Tracking lookups, ratings and reopens per client per window (0 = off)."
    )
    track_rate_window_seconds: int = Field(default=300, description="Window of the tracking limit.")
    stance_limit_per_message: int = Field(
        default=5, description="Supports/oppositions one address may add to one message per day (0 = off)."
    )
    stance_limit_per_hour: int = Field(
        default=60, description="Supports/oppositions one address may add per hour, all messages (0 = off)."
    )
    session_max_age_seconds: int = Field(
        default=8 * 3600, description="Absolute lifetime of a browser session (staff login, a followed case)."
    )
    session_idle_seconds: int = Field(
        default=3600, description="A browser session unused this long ends (staff login, a followed case)."
    )
    api_token_max_age_seconds: int = Field(default=12 * 3600, description="Lifetime of an API bearer token.")
    reopen_escalation_threshold: int = Field(default=2, description="Reopens after which a case is escalated.")
    attachment_max_files: int = Field(
        default=5, ge=0, description="Files a citizen may attach to one message (0 = no attachments)."
    )
    attachment_max_file_mb: int = Field(default=10, ge=1, description="Largest attachment, in MB.")
    attachment_max_total_mb: int = Field(
        default=20, ge=1, description="All attachments of one message together, in MB."
    )
    attachment_max_side: int = Field(
        default=2560, ge=200, description="Photos are scaled down to at most this many pixels on their longer side."
    )
    attachment_max_pixels: int = Field(
        default=40_000_000, ge=1_000_000, description="Photos with more pixels are refused (decompression bombs)."
    )
    argon2_time_cost: int = Field(default=3, ge=1, description="argon2id passes per password hash.")
    argon2_memory_kib: int = Field(default=65536, ge=8, description="argon2id memory per password hash (KiB).")
    trust_forwarded_for: bool = Field(
        default=False, description="Use X-Forwarded-For for client addresses (behind a proxy)."
    )
    classifier_model: Path | None = Field(
        default=None,
        description="Category model file used by the analysis worker and written by `massline classify retrain`; "
        "empty means instance_dir/models/category.joblib.",
    )
    understanding_model: Path | None = Field(
        default=None,
        description="Kind, urgency and feeling model file used by the analysis worker (written by `massline "
        "understand train`); empty means the model shipped with Massline. A missing file means the word rules decide.",
    )
    classifier_threshold: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Confidence below which a predicted category is not used for routing (a person classifies).",
    )
    plugins: tuple[str, ...] = Field(
        default=(),
        description="The deployment's own plugins (pipeline steps, importers, exporters): comma-separated module "
        "paths, registered after the built-in ones in this order (see docs/configuration.md).",
    )
    worker_nice: int = Field(
        default=10,
        ge=0,
        le=19,
        description="Scheduling niceness the analysis worker process adds to its own (`massline worker`, and the "
        "worker `massline serve` starts): on a machine with few cores a web request gets the CPU before a batch "
        "of analysis; 0 keeps the worker at the web processes' priority.",
    )
    alert_scan_minutes: float = Field(
        default=10.0, gt=0, description="How often the worker checks categories and regions for bursts (minutes)."
    )
    alert_burst_history_days: int = Field(
        default=28, ge=1, description="Days of history a day's message count is compared with (burst baseline)."
    )
    alert_burst_min_count: int = Field(
        default=5, ge=1, description="Messages in a day below which no burst alert is raised."
    )
    alert_burst_min_ratio: float = Field(
        default=3.0, ge=1.0, description="A day's count must be at least this many times the baseline for a burst."
    )
    alert_burst_max_p: float = Field(
        default=0.001, gt=0, le=1, description="Poisson p-value of a day's count at or below which it is a burst."
    )
    alert_urgent_new_days: int = Field(
        default=7, ge=1, description="An issue is new (urgent-signal alerts) this many days after its first message."
    )
    alert_urgent_min_elevated: int = Field(
        default=3, ge=1, description="Elevated messages with the same risk signal that raise an urgent-issue alert."
    )

    # replies (docs/replies.md)
    default_deadline_days: int = Field(
        default=15,
        ge=1,
        description="Calendar days to answer a message when no deadline applies (``massline replies review`` "
        "judges timeliness against it; a deployment's own deadlines are in its file).",
    )

    # notifications (docs/notifications.md)
    public_url: str = Field(
        default="", description="The site's address as citizens reach it, for links in e-mails and SMS "
        "(unsubscribe); empty means http://host:port."
    )
    smtp_host: str = Field(
        default="", description="SMTP server for e-mail notifications; empty writes them to the file outbox "
        "instance_dir/outbox/mail.jsonl instead (the demo)."
    )
    smtp_port: int = Field(default=25, description="Port of the SMTP server.")
    smtp_security: Literal["none", "starttls", "ssl"] = Field(
        default="none", description="none, starttls (upgrade the connection) or ssl (SMTPS, usually port 465)."
    )
    smtp_username: str = Field(default="", description="SMTP login; empty sends without logging in.")
    smtp_password: str = Field(default="", description="SMTP password (a secret: environment only).")
    smtp_from: str = Field(default="noreply@massline.invalid", description="Sender address of notifications.")
    smtp_timeout_seconds: float = Field(default=20.0, gt=0, description="SMTP connection and command timeout.")
    sms_gateway: str = Field(
        default="file", description="SMS driver: file (one JSON line per SMS in instance_dir/outbox/sms.jsonl), "
        "off, or module:Class of a gateway driver (see docs/notifications.md)."
    )
    sms_url: str = Field(default="", description="Address of the SMS gateway, passed to its driver.")
    sms_api_key: str = Field(default="", description="Key of the SMS gateway (a secret: environment only).")
    notify_max_attempts: int = Field(
        default=5, ge=1, description="Tries of one notification before it is given up (shown to admins)."
    )
    notify_retry_seconds: int = Field(
        default=60, ge=1, description="Wait after a failed try; doubled after each further failure."
    )
    notify_lease_seconds: int = Field(
        default=120, ge=1, description="A notification being sent by a process that died is tried again after this."
    )
    notify_lookback_hours: int = Field(
        default=72, ge=1, description="Case events older than this are not notified (e.g. after a long outage)."
    )
    contact_code_rate_limit: int = Field(
        default=5, description="Login codes and secret recoveries per client, and per contact or tracking code, "
        "per window (0 = off)."
    )
    contact_code_rate_window_seconds: int = Field(default=3600, description="Window of the contact-code limit.")
    login_code_minutes: int = Field(default=10, ge=1, description="A citizen's one-time login code expires after this.")
    login_code_attempts: int = Field(default=5, ge=1, description="Wrong entries after which a login code is void.")

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, data: Any) -> Any:
        """The settings not given as arguments, from ``MASSLINE_*`` variables, then from the ``.env`` file."""
        if not isinstance(data, dict):
            return data
        found = {name: value for name, value in environment_values().items() if name in cls.model_fields}
        return {**found, **data}

    @field_validator("plugins", mode="before")
    @classmethod
    def _split_plugins(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @model_validator(mode="after")
    def _fill_and_check(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.instance_dir / 'massline.db').as_posix()}"
        if self.classifier_model is None or str(self.classifier_model).strip() in ("", "."):
            self.classifier_model = self.instance_dir / "models" / "category.joblib"
        if self.environment == "production":
            for name in ("secret_key", "encryption_key"):
                if getattr(self, name).strip().lower() in PLACEHOLDER_SECRETS:
                    raise ValueError(f"MASSLINE_{name.upper()} must be set to a real secret in production")
        return self

    @property
    def classifier_model_path(self) -> Path:
        """Where the category model lives (the setting, or the instance dir's default)."""
        return self.classifier_model or self.instance_dir / "models" / "category.joblib"

    @property
    def is_sqlite(self) -> bool:
        """True when the database is an embedded SQLite file."""
        return self.database_url.startswith("sqlite")

    def resolved_secret(self, name: Literal["secret_key", "encryption_key"]) -> str:
        """Return a secret, generating and storing one in the instance dir in development."""
        value: str = getattr(self, name)
        if value.strip().lower() not in PLACEHOLDER_SECRETS:
            return value
        path = self.instance_dir / f"{name}.txt"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        if name == "encryption_key":
            from cryptography.fernet import Fernet

            value = Fernet.generate_key().decode()
        else:
            value = secrets.token_urlsafe(48)
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(value, encoding="utf-8")
        path.chmod(0o600)
        return value


def environment_values(env_file: Path = ENV_FILE) -> dict[str, str]:
    """The ``MASSLINE_*`` values of the environment and of ``env_file`` (if it exists), by lower-case name
    without the prefix; the environment's win."""
    values: dict[str, str] = {}
    if env_file.is_file():
        from dotenv import dotenv_values  # (only when there is a file to read)

        values.update(_prefixed(dotenv_values(env_file)))
    values.update(_prefixed(os.environ))
    return values


def _prefixed(variables: Mapping[str, str | None]) -> dict[str, str]:
    n = len(ENV_PREFIX)
    return {k[n:].lower(): v for k, v in variables.items() if k.upper().startswith(ENV_PREFIX) and v is not None}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached); tests build their own Settings."""
    return Settings()
