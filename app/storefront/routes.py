"""The store's website: accounts, sign-in and the C2B link request."""

from dataclasses import fields

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from app.auth import require_customer
from app.extensions import limiter
from app.security import safe_next
from app.services import accounts, linking
from app.services.accounts import AccountDetails
from app.services.errors import ServiceError
from app.services.linking import RequestDetails
from app.storefront.forms import CreateAccountForm, LinkRequestForm, LoginForm
from app.web import failed_sign_in, show_error, sign_in, sign_out

bp = Blueprint("storefront", __name__)

# Paths the store's customers know from the old site, in any letter case.
LEGACY_PATHS = {
    "/aec2brequest": "/AeC2Brequest",
    "/createaccount.aspx": "/createaccount.aspx",
}


@bp.before_app_request
def canonical_legacy_path():
    canonical = LEGACY_PATHS.get(request.path.lower())
    if canonical and request.path != canonical:
        query = request.query_string.decode()
        return redirect(canonical + (f"?{query}" if query else ""), code=308)
    return None


def _next_page() -> str:
    return safe_next(request.args.get("next"), url_for(".account"))


def _per_account_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"]


def _per_address_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"]


def _account_key() -> str:
    return "customer:" + accounts.sign_in_key(request.form.get("email", ""))


@bp.route("/")
def home():
    return render_template("storefront/home.html")


@bp.route("/createaccount.aspx", methods=["GET", "POST"])
def create_account():
    form = CreateAccountForm()
    if form.validate_on_submit():
        details = AccountDetails(
            **{f.name: getattr(form, f.name).data or "" for f in fields(AccountDetails)}
        )
        try:
            account = accounts.register_account(details, form.password.data)
        except ServiceError as error:
            show_error(error, form)
        else:
            sign_in(account)
            flash(
                f"Welcome, {account.first_name}! Your account is ready; "
                f"your Active-e ID is {account.id}.",
                "success",
            )
            return redirect(_next_page())
    return render_template("storefront/account/create.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_per_address_limit, methods=["POST"], deduct_when=failed_sign_in)
@limiter.limit(
    _per_account_limit,
    key_func=_account_key,
    methods=["POST"],
    deduct_when=failed_sign_in,
)
def login():
    if current_user.is_authenticated and not current_user.is_staff:
        return redirect(_next_page())
    form = LoginForm()
    if form.validate_on_submit():
        try:
            account = accounts.authenticate_customer(
                form.email.data, form.password.data
            )
        except ServiceError as error:
            show_error(error)
        else:
            sign_in(account)
            flash(f"Welcome back, {account.first_name}.", "success")
            return redirect(_next_page())
    return render_template("storefront/account/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    sign_out()
    flash("You are signed out.", "success")
    return redirect(url_for(".home"))


@bp.route("/account")
def account():
    if (refusal := require_customer()) is not None:
        return refusal
    status = linking.account_link_status(current_user)
    return render_template("storefront/account/show.html", status=status)


@bp.route("/AeC2Brequest", methods=["GET", "POST"])
def link_request():
    if (refusal := require_customer()) is not None:
        flash("Sign in to ask for your web account to be linked to your AIM account.")
        return refusal
    status = linking.account_link_status(current_user)
    if status.linked:
        return render_template("storefront/link_request/linked.html", status=status)

    form = LinkRequestForm(obj=status.open_request or current_user)
    if status.open_request and request.method == "GET":
        form.aim_number.data = status.open_request.aim_number_typed
    if form.validate_on_submit():
        details = RequestDetails(
            **{f.name: getattr(form, f.name).data or "" for f in fields(RequestDetails)}
        )
        try:
            linking.submit_link_request(current_user, details)
        except ServiceError as error:
            show_error(error, form)
        else:
            flash(
                "Thank you. Your request is with our staff; we will link your "
                "accounts and your account page will show it.",
                "success",
            )
            return redirect(url_for(".link_request"))
    return render_template(
        "storefront/link_request/form.html", form=form, status=status
    )
