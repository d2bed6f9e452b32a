"""One user loader for customers and staff, and the role checks of each area.

The session id names the kind of user and carries their session token:
``customer:7:<token>`` or ``staff:7:<token>``. Signing out, disabling a user or
changing a password replaces the token, so a copied cookie stops working.
"""

import hmac

from flask import abort, redirect, request, url_for
from flask_login import LoginManager, current_user

from app.extensions import db
from app.models import Staff, WebAccount
from app.services.text import is_number

KINDS = {"customer": WebAccount, "staff": Staff}


def configure(manager: LoginManager) -> None:
    manager.user_loader(load_user)
    manager.unauthorized_handler(send_to_sign_in)
    manager.session_protection = "basic"


def load_user(session_id: str):
    kind, _, rest = session_id.partition(":")
    number, _, token = rest.partition(":")
    model = KINDS.get(kind)
    if model is None or not is_number(number) or not token:
        return None

    user = db.session.get(model, int(number))
    if user is None or user.disabled:
        return None
    if not hmac.compare_digest(user.session_token, token):
        return None
    # A detached snapshot: reading current_user after a commit must not reopen
    # its database. On SQLite that could take AIM's lock while holding the
    # Storefront's, the reverse of a staff request's order, and deadlock.
    db.session.expunge(user)
    return user


def load_user_first() -> None:
    """Load the signed-in user before anything else, then end that transaction.

    On SQLite every transaction holds its database's write lock, and requests
    touch the Storefront before AIM. A staff user lives in AIM: loaded late, it
    would take AIM's lock first in some requests and last in others, and two
    such requests could wait on each other. Loaded first and let go, the user
    is a detached snapshot that never needs the database again.
    """
    current_user._get_current_object()
    db.session.rollback()


def send_to_sign_in():
    """Send the visitor to the sign-in page of the area they tried to reach."""
    area = request.blueprint or "storefront"
    if request.method != "GET":
        # A POST cannot be replayed after signing in; come back to the area.
        return redirect(url_for(f"{area}.login"))
    return redirect(url_for(f"{area}.login", next=request.full_path.rstrip("?")))


def require_staff(*roles: str):
    """A before_request check for a whole blueprint: staff holding a role."""

    def check():
        # Anyone may sign in, and anyone signed in may sign out.
        if request.endpoint is None or request.endpoint.endswith(
            (".login", ".logout", ".static")
        ):
            return None
        if not current_user.is_authenticated or not current_user.is_staff:
            return send_to_sign_in()
        if not current_user.has_role(*roles):
            abort(403)
        return None

    return check


def require_customer():
    """Redirect to sign-in unless a customer is signed in; staff get 403."""
    if not current_user.is_authenticated:
        return send_to_sign_in()
    if current_user.is_staff:
        abort(403)
    return None
