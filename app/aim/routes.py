"""AIM, the back office: customers and the Active-e link, for store staff."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from app.aim.forms import (
    ConfirmForm,
    CustomerChoiceForm,
    CustomerForm,
    CustomerSearchForm,
    RejectForm,
)
from app.auth import require_staff
from app.services import customers, linking, orders
from app.services.customers import CustomerDetails
from app.services.errors import Conflict, ServiceError
from app.web import (
    form_to,
    int_arg,
    page_arg,
    show_error,
    sign_in_limits,
    sign_out,
    staff_account_key,
    staff_sign_in_page,
)

bp = Blueprint("aim", __name__)
bp.before_request(require_staff("aim_clerk"))

TABS = ("1", "2", "3", "4", "5", "6")


def _details(form: CustomerForm) -> CustomerDetails:
    return form_to(CustomerDetails, form)


def _version_seen() -> int:
    """The version the edit form was loaded with: posted digits, else a 400.

    Read from the post itself, so a form left without it cannot fall back to
    the saved version and skip the stale check.
    """
    raw = request.form.get("version", "")
    if not raw.isdecimal() or len(raw) > 9:
        abort(400)
    return int(raw)


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limits(staff_account_key)
def login():
    return staff_sign_in_page("aim", "aim.menu", "aim/login.html")


@bp.route("/logout", methods=["POST"])
def logout():
    sign_out()
    flash("You are signed out.", "success")
    return redirect(url_for(".login"))


@bp.route("/")
def menu():
    return render_template("aim/menu.html")


@bp.route("/customers")
def list_customers():
    form = CustomerSearchForm(request.args)
    form.validate()
    page = customers.search_customers(form.q.data or "", page_arg())
    return render_template("aim/customers/list.html", form=form, page=page)


@bp.route("/customers/new", methods=["GET", "POST"])
def new_customer():
    form = CustomerForm()
    if form.validate_on_submit():
        try:
            customer = customers.create_customer(_details(form), current_user)
        except ServiceError as error:
            show_error(error, form)
        else:
            flash(f"AIM #{customer.number} {customer.full_name} added.", "success")
            return redirect(url_for(".show_customer", number=customer.number))
    return render_template("aim/customers/edit.html", form=form, customer=None)


@bp.route("/customers/<int:number>")
def show_customer(number: int):
    tab = request.args.get("tab", "1")
    if tab not in TABS:
        abort(400)
    customer = customers.get_customer(number)
    return render_template(
        "aim/customers/show.html",
        customer=customer,
        tab=tab,
        unlink_form=ConfirmForm(),
        audit=customers.recent_audit(number),
        sales=orders.sales_of(number),
    )


@bp.route("/customers/<int:number>/edit", methods=["GET", "POST"])
def edit_customer(number: int):
    customer = customers.get_customer(number)
    form = CustomerForm(obj=customer)
    if form.validate_on_submit():
        try:
            changed = customers.update_customer(
                number, _details(form), _version_seen(), current_user
            )
        except Conflict as error:
            show_error(error, form)
            customer = customers.get_customer(number)
            # Saving again now is a deliberate choice over what is shown saved.
            form.version.data = customer.version
            return render_template(
                "aim/customers/edit.html", form=form, customer=customer, stale=True
            ), 409
        except ServiceError as error:
            show_error(error, form)
        else:
            flash(f"AIM #{number} saved." if changed else "Nothing changed.", "success")
            return redirect(url_for(".show_customer", number=number))
    return render_template("aim/customers/edit.html", form=form, customer=customer)


@bp.route("/customers/<int:number>/unlink", methods=["POST"])
def unlink_customer(number: int):
    if not current_user.has_role("aim_manager"):
        abort(403)
    customers.get_customer(number)
    web_id = linking.unlink_customer(number, current_user)
    flash(
        f"AIM #{number} is no longer linked to web account {web_id}."
        if web_id
        else f"AIM #{number} was not linked.",
        "success",
    )
    return redirect(url_for(".show_customer", number=number, tab="6"))


@bp.route("/active-e/account-relations")
def list_link_requests():
    screen = linking.relation_screen(
        page_arg(),
        int_arg("request"),
        int_arg("customer"),
        request.args.get("find", None),
    )
    return _relation_page(screen, RejectForm())


def _relation_page(screen, reject_form: RejectForm, status: int = 200):
    return render_template(
        "aim/account_relations/list.html",
        screen=screen,
        choice_form=CustomerChoiceForm(),
        reject_form=reject_form,
    ), status


def _back_to_request(request_id: int, customer_number: int | None = None):
    return redirect(
        url_for(".list_link_requests", request=request_id, customer=customer_number)
    )


@bp.route("/active-e/account-relations/<int:request_id>/update", methods=["POST"])
def update_customer_from_web(request_id: int):
    form = CustomerChoiceForm()
    if not form.validate_on_submit():
        abort(400)
    number = form.customer_number.data
    try:
        copied = linking.copy_web_details(
            request_id, number, form.version.data, current_user, form.same_person.data
        )
    except ServiceError as error:
        show_error(error)
    else:
        flash(
            f"AIM #{number} updated from the website: {', '.join(copied)}."
            if copied
            else f"AIM #{number} already matches the website.",
            "success",
        )
    return _back_to_request(request_id, number)


@bp.route("/active-e/account-relations/<int:request_id>/save", methods=["POST"])
def save_link(request_id: int):
    form = CustomerChoiceForm()
    if not form.validate_on_submit():
        abort(400)
    number = form.customer_number.data
    try:
        link_request = linking.link_accounts(request_id, number, current_user)
    except ServiceError as error:
        show_error(error)
        return _back_to_request(request_id, number)
    flash(
        f"Saved: web account {link_request.web_account_id} "
        f"({link_request.full_name}) is linked to AIM #{number}.",
        "success",
    )
    return redirect(url_for(".list_link_requests"))


@bp.route("/active-e/account-relations/<int:request_id>/reject", methods=["POST"])
def reject_link_request(request_id: int):
    form = RejectForm()
    if form.validate_on_submit():
        try:
            linking.reject_request(request_id, form.reason.data, current_user)
        except ServiceError as error:
            show_error(error, form)
        else:
            flash("Request rejected; the customer will see your reason.", "success")
            return redirect(url_for(".list_link_requests"))
    # The screen again, with what was typed and the message beside it.
    screen = linking.relation_screen(1, request_id, None, None)
    return _relation_page(screen, form, 400)


@bp.route("/active-e/orders")
def list_orders():
    screen = orders.import_screen(
        request.args.get("status", "new"),
        page_arg(),
        int_arg("order"),
        request.args.get("find", None),
        current_user,
    )
    return render_template(
        "aim/orders/list.html",
        screen=screen,
        action_form=ConfirmForm(),
        choice_form=CustomerChoiceForm(),
    )


def _back_to_order(order_id: int):
    return redirect(
        url_for(".list_orders", order=order_id, status=request.args.get("status"))
    )


@bp.route("/active-e/orders/<int:order_id>/lock", methods=["POST"])
def lock_order(order_id: int):
    try:
        orders.lock_order(order_id, current_user)
    except ServiceError as error:
        show_error(error)
    else:
        flash(f"Web order {order_id} is locked to you.", "success")
        # Locked orders leave the "New" list; show the one it is in now.
        return redirect(url_for(".list_orders", order=order_id, status="locked"))
    return _back_to_order(order_id)


@bp.route("/active-e/orders/<int:order_id>/unlock", methods=["POST"])
def unlock_order(order_id: int):
    try:
        orders.unlock_order(order_id, current_user)
    except ServiceError as error:
        show_error(error)
    else:
        flash(f"Web order {order_id} is unlocked.", "success")
    return _back_to_order(order_id)


@bp.route("/active-e/orders/<int:order_id>/customer", methods=["POST"])
def choose_order_customer(order_id: int):
    form = CustomerChoiceForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        customer = orders.choose_customer(
            order_id, form.customer_number.data, current_user
        )
    except ServiceError as error:
        show_error(error)
    else:
        flash(
            f"Web order {order_id} goes to AIM #{customer.number} "
            f"{customer.full_name}; the Active-e ID is applied.",
            "success",
        )
    return _back_to_order(order_id)


@bp.route("/active-e/orders/<int:order_id>/new-customer", methods=["GET", "POST"])
def create_order_customer(order_id: int):
    order = orders.get_order(order_id)
    form = CustomerForm(obj=orders.new_customer_details(order))
    if form.validate_on_submit():
        try:
            result = orders.create_customer_for_order(
                order_id, _details(form), current_user
            )
        except ServiceError as error:
            show_error(error, form)
        else:
            web_id = order.web_account_id  # the Storefront before AIM
            customer = result.customer
            done = "created and linked to" if result.created else "already holds"
            flash(
                f"AIM #{customer.number} {customer.full_name} {done} web account "
                f"{web_id}; it is chosen for this order.",
                "success" if result.created else "info",
            )
            return _back_to_order(order_id)
    return render_template(
        "aim/orders/new_customer.html",
        form=form,
        order=order,
        lookalikes=orders.likely_customers(order),
    )


@bp.route("/active-e/orders/<int:order_id>/import", methods=["POST"])
def import_order(order_id: int):
    try:
        result = orders.import_order(order_id, current_user)
    except ServiceError as error:
        show_error(error)
        return _back_to_order(order_id)
    flash(
        f"Web order {order_id} imported as AIM sale {result.sale.id} for "
        f"#{result.sale.customer_number}.",
        "success",
    )
    return redirect(url_for(".list_orders", order=order_id, status="imported"))
