"""Small helpers every area's views share."""

import logging
from dataclasses import fields

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter
from wtforms import PasswordField, StringField, TextAreaField

from app.extensions import limiter
from app.security import safe_next
from app.services import staff as staff_service
from app.services.accounts import end_sessions
from app.services.errors import ServiceError
from app.services.text import is_number

logger = logging.getLogger(__name__)

ALLOWED_CONTROLS = {"\n", "\r", "\t"}
DIRECTION_OVERRIDES = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LARGEST_ID = 2_147_483_647  # an INTEGER column on PostgreSQL


class ColumnIntConverter(IntegerConverter):
    """<int:...> that fits an id column: a larger number is a 404, not a 500."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


class BaseForm(FlaskForm):
    """A form that refuses control characters in any text it receives."""

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            # Passwords take any characters; they are hashed, never shown.
            if not isinstance(field, StringField | TextAreaField) or isinstance(
                field, PasswordField
            ):
                continue
            allowed = ALLOWED_CONTROLS if isinstance(field, TextAreaField) else set()
            # A field left out of the post keeps its object's value, maybe an int.
            text = field.data if isinstance(field.data, str) else ""
            if any(ord(ch) < 32 and ch not in allowed for ch in text) or "\x7f" in text:
                field.errors = [*field.errors, "Remove the control characters."]
                ok = False
            elif any(ch in DIRECTION_OVERRIDES for ch in text):
                # They make text display in another order than it is stored.
                field.errors = [*field.errors, "Remove the hidden direction marks."]
                ok = False
            elif text and not any(ch.isprintable() and not ch.isspace() for ch in text):
                field.errors = [*field.errors, "Enter visible characters."]
                ok = False
        return ok


def form_to(cls, form: FlaskForm):
    """The dataclass a service takes, from the form's fields of the same names."""
    values = {}
    for field in fields(cls):
        if field.name in form:
            data = form[field.name].data
            values[field.name] = "" if data is None else data
    return cls(**values)


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


def show_error(error: ServiceError, form: FlaskForm | None = None) -> None:
    """Put a service's refusal beside its field, or flash it when it has none."""
    field = getattr(form, error.field, None) if form and error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def page_arg() -> int:
    """The ?page= number; nonsense is a 400, not a silent first page."""
    raw = request.args.get("page", "1")
    if not is_number(raw) or not 1 <= int(raw) <= 100_000:
        abort(400)
    return int(raw)


def int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    if raw == "":
        return None
    if not is_number(raw) or len(raw) > 9:
        abort(400)
    return int(raw)


def sign_in(user) -> None:
    """Start a fresh session for the user: only the shop cart carries over."""

    cart = session.get("cart")
    session.clear()
    if cart:
        session["cart"] = cart
    login_user(user)


def sign_out() -> None:
    """End the session here and everywhere its cookie was copied to."""

    if current_user.is_authenticated:
        end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()


# Each staff area: the role it needs, and its name in messages.
STAFF_AREAS = {
    "aesys": ("web_admin", "the Active-e admin panel"),
    "aim": ("aim_clerk", "AIM"),
}


def staff_sign_in_page(area: str, home_endpoint: str, template: str):
    """The sign-in view of a staff area: /aesys/login and /aim/login."""
    role, area_name = STAFF_AREAS[area]
    target = safe_next(request.args.get("next"), url_for(home_endpoint))
    # Only someone who may use this area skips its form; a web admin opening
    # /aim/login must be able to sign in as a clerk, not bounce to a 403.
    signed_in = current_user.is_authenticated and current_user.is_staff
    if signed_in and current_user.has_role(role):
        return redirect(target)

    # Imported here: the form module builds on BaseForm from this one.
    from app.staff_forms import StaffLoginForm

    form = StaffLoginForm()
    if form.validate_on_submit():
        try:
            user = staff_service.authenticate_staff(
                form.username.data, form.password.data, role, area_name
            )
        except ServiceError as error:
            show_error(error)
        else:
            sign_in(user)
            logger.info("staff %s signed in to %s", user.username, area)
            flash(f"Signed in as {user.name}.", "success")
            return redirect(target)
    return render_template(template, form=form)


def staff_account_key() -> str:
    return "staff:" + (request.form.get("username", "").strip().casefold()[:60])


def sign_in_limits(account_key):
    """Throttle sign-in attempts per account (account_key()) and per address.

    Every attempt counts, checked and counted in one step in the limiter's
    storage (shared by all workers in production): counting only failures,
    after the fact, let a burst of parallel guesses all through the check.
    The scopes are shared, so /aim/login and /aesys/login count together.
    """

    def per_account() -> str:
        return current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"]

    def per_address() -> str:
        return current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"]

    def decorate(view):
        view = limiter.shared_limit(
            per_account, "sign-in-per-account", key_func=account_key, methods=["POST"]
        )(view)
        return limiter.shared_limit(
            per_address, "sign-in-per-address", methods=["POST"]
        )(view)

    return decorate
