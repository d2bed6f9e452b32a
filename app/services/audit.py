"""The audit trail: who changed what in AIM, and when."""

import logging

from app.extensions import db
from app.models import AuditEntry, Staff

logger = logging.getLogger(__name__)


def record(
    staff: Staff | None,
    action: str,
    *,
    customer_number: int | None = None,
    web_account_id: int | None = None,
    details: str = "",
) -> AuditEntry:
    """Add an entry to the caller's transaction and log the change."""
    entry = AuditEntry(
        staff_id=staff.id if staff else None,
        action=action,
        customer_number=customer_number,
        web_account_id=web_account_id,
        details=details,
    )
    db.session.add(entry)
    logger.info(
        "%s: customer %s, web account %s, by %s. %s",
        action,
        customer_number,
        web_account_id,
        staff.username if staff else "system",
        details,
    )
    return entry
