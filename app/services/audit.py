"""The audit trail: who changed what in AIM, and when."""

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import AuditEntry, Staff

logger = logging.getLogger(__name__)
PENDING_LINES = "audit_lines_to_log"


def record(
    staff: Staff | None,
    action: str,
    *,
    customer_number: int | None = None,
    web_account_id: int | None = None,
    details: str = "",
) -> AuditEntry:
    """Add an entry to the caller's transaction; it is logged once committed."""
    entry = AuditEntry(
        staff_id=staff.id if staff else None,
        action=action,
        customer_number=customer_number,
        web_account_id=web_account_id,
        details=details,
    )
    db.session.add(entry)
    who = staff.username if staff else "system"
    line = (action, customer_number, web_account_id, who, details)
    db.session.info.setdefault(PENDING_LINES, []).append(line)
    return entry


@event.listens_for(Session, "after_commit")
def _log_committed(session: Session) -> None:
    """Log a change only once it is saved: a refused one never reaches the log."""
    for line in session.info.pop(PENDING_LINES, []):
        logger.info("%s: customer %s, web account %s, by %s. %s", *line)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(PENDING_LINES, None)
