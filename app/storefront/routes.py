"""The store's website: accounts, sign-in, the C2B link request and the shop."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from app.auth import require_customer
from app.models.types import new_token
from app.security import safe_next
from app.services import accounts, catalog, checkout, linking, payments
from app.services import cart as carts
from app.services.accounts import AccountDetails
from app.services.errors import ServiceError
from app.services.linking import RequestDetails
from app.storefront.forms import (
    AddToCartForm,
    CartLineForm,
    CheckoutForm,
    CreateAccountForm,
    LinkRequestForm,
    LoginForm,
    NewAccountCheckoutForm,
    QuantityForm,
)
from app.web import (
    form_to,
    page_arg,
    show_error,
    sign_in,
    sign_in_limits,
    sign_out,
)

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


def _account_key() -> str:
    return "customer:" + accounts.sign_in_key(request.form.get("email", ""))


@bp.route("/")
def home():
    return render_template("storefront/home.html")


@bp.route("/createaccount.aspx", methods=["GET", "POST"])
def create_account():
    form = CreateAccountForm()
    if form.validate_on_submit():
        details = form_to(AccountDetails, form)
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
@sign_in_limits(_account_key)
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
    orders = checkout.list_account_orders(current_user)
    return render_template("storefront/account/show.html", status=status, orders=orders)


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
    if form.validate_on_submit() and _submit_link_request(form):
        return redirect(url_for(".link_request"))
    return render_template(
        "storefront/link_request/form.html", form=form, status=status
    )


def _submit_link_request(form: LinkRequestForm) -> bool:
    """File the request; on a refusal, put the message on the form."""
    details = form_to(RequestDetails, form)
    try:
        linking.submit_link_request(current_user, details)
    except ServiceError as error:
        show_error(error, form)
        return False
    flash(
        "Thank you. Your request is with our staff; we will link your "
        "accounts and your account page will show it.",
        "success",
    )
    return True


# The shop. The cart lives in the signed session cookie as {product id: quantity};
# prices are never kept in it, so a cart cannot carry a forged price.
CART = "cart"


def _cart() -> dict[str, int]:
    return dict(session.get(CART) or {})


def _keep_cart(cart: dict[str, int]) -> None:
    session[CART] = cart


def _shopper():
    """The signed-in customer, or None for a guest; staff do not shop here."""
    if not current_user.is_authenticated:
        return None
    if current_user.is_staff:
        abort(403)
    return current_user._get_current_object()


@bp.context_processor
def cart_badge():
    return {"cart_count": carts.item_count(session.get(CART) or {})}


@bp.route("/shop")
def shop():
    shelf = catalog.browse_products(
        request.args.get("q", ""), request.args.get("category", "")[:60], page_arg()
    )
    return render_template("storefront/shop/list.html", shelf=shelf)


@bp.route("/shop/<sku>", methods=["GET", "POST"])
def show_product(sku: str):
    product = catalog.get_product(sku)
    cart = _cart()
    form = QuantityForm()
    if form.validate_on_submit():
        try:
            carts.add_to_cart(cart, product.id, form.quantity.data)
        except ServiceError as error:
            show_error(error, form)
        else:
            _keep_cart(cart)
            flash(
                f"Added {form.quantity.data} × {product.name} to your cart.", "success"
            )
            return redirect(url_for(".show_product", sku=product.sku))
    in_cart = carts.entries(cart).get(product.id, 0)
    return render_template(
        "storefront/shop/show.html", product=product, form=form, in_cart=in_cart
    )


@bp.route("/cart/add", methods=["POST"])
def add_to_cart():
    """Add to cart from the shop's list; back to the list, whatever the answer."""
    form = AddToCartForm()
    back = safe_next(request.form.get("next"), url_for(".show_cart"))
    if not form.validate_on_submit():
        abort(400)
    cart = _cart()
    try:
        product = carts.add_to_cart(cart, form.product_id.data, form.quantity.data)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        _keep_cart(cart)
        flash(f"Added {product.name} to your cart.", "success")
    return redirect(back)


@bp.route("/cart")
def show_cart():
    return render_template(
        "storefront/cart/show.html", cart=carts.price_cart(_cart()), line_error=None
    )


@bp.route("/cart/<int:product_id>", methods=["POST"])
def update_cart_line(product_id: int):
    cart = _cart()
    form = CartLineForm()
    if form.validate_on_submit():
        try:
            product = carts.update_quantity(cart, product_id, form.quantity.data)
        except ServiceError as error:
            show_error(error, form)
        else:
            _keep_cart(cart)
            flash(f"Your cart has {form.quantity.data} × {product.name}.", "success")
            return redirect(url_for(".show_cart"))
    line_error = (product_id, form.quantity.raw_data, form.quantity.errors)
    return render_template(
        "storefront/cart/show.html", cart=carts.price_cart(cart), line_error=line_error
    )


@bp.route("/cart/<int:product_id>/remove", methods=["POST"])
def remove_cart_line(product_id: int):
    cart = _cart()
    carts.remove_from_cart(cart, product_id)
    _keep_cart(cart)
    flash("Removed from your cart.", "success")
    return redirect(url_for(".show_cart"))


@bp.route("/checkout", methods=["GET", "POST"])
def checkout_cart():
    customer = _shopper()
    cart = _cart()
    form = _checkout_form(customer)
    if form.validate_on_submit():
        try:
            order = checkout.place_order(
                cart,
                form.details(),
                form.checkout_token.data or "",
                customer=customer,
                password=form.new_password(),
                card=form.card(),
            )
        except ServiceError as error:
            show_error(error, form)
        else:
            return _order_placed(order, customer, cart)
    return _checkout_page(form, cart)


def _checkout_form(customer) -> CheckoutForm:
    """A guest's checkout creates the account; a customer's starts from theirs."""
    if customer is None:
        return NewAccountCheckoutForm()
    names = ("first_name", "last_name", "phone", "address", "city", "state")
    prefill = {f"billing_{name}": getattr(customer, name) for name in names}
    prefill["billing_postal_code"] = customer.postal_code
    return CheckoutForm(data=prefill)


def _checkout_page(form: CheckoutForm, cart: dict[str, int]):
    """The checkout page, with a new one-time token each time it is shown."""
    priced = carts.price_cart(cart)
    if not priced.lines:
        if request.method == "GET":
            flash("Your cart is empty. Add something from the shop first.")
        return redirect(url_for(".show_cart"))

    form.checkout_token.data = new_token()
    return render_template(
        "storefront/checkout/form.html",
        form=form,
        cart=priced,
        gateway=payments.get_gateway(),
    )


def _order_placed(order, customer, cart: dict[str, int]):
    if customer is None:
        sign_in(order.web_account)
    _keep_cart(cart)
    message = f"Thank you! Your order #{order.id} is placed."
    if customer is None:
        message += f" Your web account's Active-e ID is {order.web_account_id}."
    flash(message, "success")
    return redirect(url_for(".show_order", order_id=order.id))


@bp.route("/orders/<int:order_id>")
def show_order(order_id: int):
    if (refusal := require_customer()) is not None:
        return refusal
    order = checkout.get_account_order(current_user, order_id)
    return render_template("storefront/orders/show.html", order=order)
