"""The customer's cart: product ids and quantities, priced from the catalogue.

The cart itself is a plain dict the caller keeps (the web layer keeps it in the
signed session cookie): ``{"<product id>": quantity}``. Prices are never kept
in it; every view of the cart prices it again from the catalogue.
"""

from collections.abc import MutableMapping
from dataclasses import dataclass, field

from flask import current_app

from app.models import Product
from app.services import catalog
from app.services.errors import ServiceError

MAX_QUANTITY = 99
MAX_LINES = 50

Cart = MutableMapping[str, int]


@dataclass
class CartLine:
    product: Product
    quantity: int

    @property
    def unit_price_cents(self) -> int:
        return self.product.price_cents

    @property
    def line_total_cents(self) -> int:
        return self.product.price_cents * self.quantity

    @property
    def problem(self) -> str:
        """Why this line cannot be ordered as it is; empty when it can."""
        return stock_problem(self.product, self.quantity)


@dataclass
class PricedCart:
    lines: list[CartLine] = field(default_factory=list)
    subtotal_cents: int = 0
    tax_cents: int = 0
    total_cents: int = 0
    tax_rate_basis_points: int = 0

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def problems(self) -> list[str]:
        return [line.problem for line in self.lines if line.problem]

    @property
    def tax_rate_percent(self) -> str:
        return f"{self.tax_rate_basis_points / 100:g}%"


def stock_problem(product: Product, quantity: int) -> str:
    if product.stock <= 0:
        return f"{product.name} is out of stock."
    if quantity > product.stock:
        return f"Only {product.stock} left of {product.name}."
    return ""


def tax_on(subtotal_cents: int, basis_points: int) -> int:
    """Sales tax on a whole order, rounded half up to the cent."""
    return (subtotal_cents * basis_points + 5_000) // 10_000


def entries(cart: Cart) -> dict[int, int]:
    """The cart's lines as ids and quantities, leaving out anything malformed."""
    found = {}
    for key, quantity in list(cart.items())[:MAX_LINES]:
        if str(key).isdigit() and isinstance(quantity, int) and quantity > 0:
            found[int(key)] = min(quantity, MAX_QUANTITY)
    return found


def item_count(cart: Cart) -> int:
    return sum(entries(cart).values())


def _product(product_id: int) -> Product:
    product = catalog.products_by_id([product_id]).get(product_id)
    if product is None:
        raise ServiceError("That product is no longer for sale.")
    return product


def add_to_cart(cart: Cart, product_id: int, quantity: int = 1) -> Product:
    """Put a product in the cart, or more of it; never more than is in stock."""
    product = _product(product_id)
    have = entries(cart).get(product_id, 0)
    wanted = have + quantity
    if quantity < 1 or wanted > MAX_QUANTITY:
        raise ServiceError(f"Choose between 1 and {MAX_QUANTITY}.", "quantity")
    if problem := stock_problem(product, wanted):
        if have:
            problem += f" You have {have} in your cart."
        raise ServiceError(problem, "quantity")
    if str(product_id) not in cart and len(cart) >= MAX_LINES:
        raise ServiceError(f"A cart holds at most {MAX_LINES} different products.")

    cart[str(product_id)] = wanted
    return product


def update_quantity(cart: Cart, product_id: int, quantity: int) -> Product:
    """Set how many of a product the cart holds; zero takes it out."""
    product = _product(product_id)
    if str(product_id) not in cart:
        raise ServiceError(f"{product.name} is not in your cart.")
    if not 0 <= quantity <= MAX_QUANTITY:
        raise ServiceError(f"Choose between 0 and {MAX_QUANTITY}.", "quantity")
    if quantity == 0:
        del cart[str(product_id)]
        return product
    if problem := stock_problem(product, quantity):
        raise ServiceError(problem, "quantity")

    cart[str(product_id)] = quantity
    return product


def remove_from_cart(cart: Cart, product_id: int) -> None:
    """Take a product out of the cart; one that is not there is already out."""
    cart.pop(str(product_id), None)


def price_cart(cart: Cart) -> PricedCart:
    """The cart at today's catalogue prices, with tax; unsold products drop out."""
    wanted = entries(cart)
    products = catalog.products_by_id(wanted)
    lines = [
        CartLine(product=products[product_id], quantity=quantity)
        for product_id, quantity in wanted.items()
        if product_id in products
    ]
    basis_points = current_app.config["TAX_RATE_BASIS_POINTS"]
    subtotal = sum(line.line_total_cents for line in lines)
    tax = tax_on(subtotal, basis_points)
    return PricedCart(
        lines=lines,
        subtotal_cents=subtotal,
        tax_cents=tax,
        total_cents=subtotal + tax,
        tax_rate_basis_points=basis_points,
    )
