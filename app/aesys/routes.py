"""The website's admin panel (/aesys): web accounts and web orders."""

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from app.auth import require_staff
from app.models.types import utcnow
from app.services import contacts, linking, orders
from app.web import (
    page_arg,
    sign_in_limits,
    sign_out,
    staff_account_key,
    staff_sign_in_page,
)

bp = Blueprint("aesys", __name__)
bp.before_request(require_staff("web_admin"))


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limits(staff_account_key)
def login():
    return staff_sign_in_page("aesys", "aesys.list_contacts", "aesys/login.html")


@bp.route("/logout", methods=["POST"])
def logout():
    sign_out()
    flash("You are signed out.", "success")
    return redirect(url_for(".login"))


@bp.route("/")
def dashboard():
    return redirect(url_for(".list_contacts"))


@bp.route("/contacts")
def list_contacts():
    query = request.args.get("q", "")[:100]
    sort = request.args.get("sort", "name")
    page = contacts.search_contacts(query, sort, page_arg())
    return render_template(
        "aesys/contacts/list.html",
        page=page,
        query=query,
        sort=sort,
        pending_ids=contacts.with_open_request(page.items),
    )


@bp.route("/contacts/<int:account_id>")
def show_contact(account_id: int):
    account = contacts.get_contact(account_id)
    status = linking.account_link_status(account)
    customer = linking.linked_customer_of(account)
    return render_template(
        "aesys/contacts/show.html", account=account, status=status, customer=customer
    )


@bp.route("/orders")
def list_orders():
    status = request.args.get("status", "all")
    if status not in orders.FILTERS:
        status = "all"
    page = orders.import_queue(status, page_arg())
    return render_template(
        "aesys/orders/list.html", page=page, status=status, now=utcnow()
    )


@bp.route("/orders/<int:order_id>")
def show_order(order_id: int):
    order = orders.get_order(order_id)
    return render_template(
        "aesys/orders/show.html", order=order, locked=orders.lock_is_live(order)
    )
