"""Errors the services raise; the web layer shows them beside a field or flashes."""


class ServiceError(Exception):
    """A rule refused the operation; nothing was written."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(Exception):
    """The record does not exist, or is not this user's: the page answers 404."""


class Conflict(ServiceError):
    """Someone else changed or took the record first."""
