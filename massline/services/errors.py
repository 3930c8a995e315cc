"""Errors raised by services; the web layer turns them into HTTP answers."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every error a service raises on purpose. ``message`` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """The record does not exist *or* the caller may not see it (never says which)."""

    def __init__(self, message: str = "未找到该记录") -> None:
        super().__init__(message)


class Forbidden(ServiceError):
    """The caller may see the record but not do this to it."""

    def __init__(self, message: str = "您无权执行此操作") -> None:
        super().__init__(message)


class Conflict(ServiceError):
    """The action does not fit the record's current state."""


class ValidationFailed(ServiceError):
    """Input is invalid; ``errors`` maps a field name to a Chinese message that names the field
    (``message`` joins the messages, without the field names)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("；".join(dict.fromkeys(errors.values())))
        self.errors = errors


class RateLimited(ServiceError):
    """Too many attempts from one client in a window."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"操作过于频繁，请 {retry_after} 秒后再试")
        self.retry_after = retry_after


class AuthFailed(ServiceError):
    """Login failed; the message never says whether the username exists."""
