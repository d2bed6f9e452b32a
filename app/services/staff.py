"""Staff users: creating them and signing them in."""

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Staff
from app.models.aim import ROLES
from app.services import passwords
from app.services.errors import ServiceError
from app.services.text import clean

logger = logging.getLogger(__name__)

SIGN_IN_FAILED = "That username and password do not match a staff user."


def _username_key(username: str) -> str:
    return clean(username).casefold()


def create_staff(
    username: str, roles: list[str], password: str, display_name: str = ""
) -> Staff:
    """Add a staff user with the given roles."""
    key = _username_key(username)
    if not key or len(key) > 60 or not key.replace(".", "").replace("_", "").isalnum():
        raise ServiceError(
            "Usernames are letters, digits, dots and underscores.", "username"
        )
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ServiceError(f"Roles are {', '.join(ROLES)}.", "roles")
    passwords.check_new_password(password)

    staff = Staff(
        username=key,
        display_name=clean(display_name),
        roles=",".join(sorted(set(roles))),
        password_hash=passwords.hash_password(password),
    )
    db.session.add(staff)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ServiceError("That username is taken.", "username") from None

    logger.info("staff user %s created with roles %s", staff.username, staff.roles)
    return staff


def authenticate_staff(
    username: str, password: str, role: str | None = None, area_name: str = ""
) -> Staff:
    """The staff user these credentials name, if they may use the area's role.

    Every failure of the credentials reads the same; a right password without
    the role is told plainly, since its owner already knows it.
    """
    staff = db.session.scalar(
        select(Staff).where(Staff.username == _username_key(username))
    )
    ok = passwords.verify_password(staff.password_hash if staff else None, password)
    if staff is None or not ok or staff.disabled:
        logger.info("staff sign-in refused")
        raise ServiceError(SIGN_IN_FAILED)
    if role is not None and not staff.has_role(role):
        logger.info("staff %s refused: no access to %s", staff.username, area_name)
        raise ServiceError(f"{staff.name} has no access to {area_name}.")
    return staff
