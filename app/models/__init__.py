"""Models of both databases; importing this registers every table."""

from app.models.aim import AuditEntry, Customer, Staff
from app.models.storefront import LinkRequest, LinkStatus, WebAccount

__all__ = [
    "AuditEntry",
    "Customer",
    "LinkRequest",
    "LinkStatus",
    "Staff",
    "WebAccount",
]
