"""The cart: ids and quantities only, priced from the catalogue every time."""

import pytest

from app.extensions import db
from app.services import cart as carts
from app.services.errors import ServiceError


def test_add_keeps_only_ids_and_quantities(make_product):
    trumpet = make_product(price_cents=109_999, stock=4)
    cart = {}

    carts.add_to_cart(cart, trumpet.id)
    carts.add_to_cart(cart, trumpet.id, 2)

    assert cart == {str(trumpet.id): 3}


@pytest.mark.parametrize(
    ("stock", "have", "adding", "message"),
    [
        (0, 0, 1, "is out of stock."),
        (2, 0, 3, "Only 2 left of"),
        (2, 2, 1, "You have 2 in your cart."),
    ],
)
def test_add_never_more_than_is_in_stock(make_product, stock, have, adding, message):
    product = make_product(stock=stock)
    cart = {str(product.id): have} if have else {}

    with pytest.raises(ServiceError) as refused:
        carts.add_to_cart(cart, product.id, adding)

    assert message in refused.value.message
    assert refused.value.field == "quantity"
    assert cart == ({str(product.id): have} if have else {})


@pytest.mark.parametrize("quantity", [0, -1, 100])
def test_add_refuses_nonsense_quantities(make_product, quantity):
    product = make_product(stock=500)

    with pytest.raises(ServiceError):
        carts.add_to_cart({}, product.id, quantity)


def test_add_refuses_a_product_not_for_sale(make_product):
    product = make_product(active=False)

    with pytest.raises(ServiceError, match="no longer for sale"):
        carts.add_to_cart({}, product.id)
    with pytest.raises(ServiceError):
        carts.add_to_cart({}, 999_999)


def test_update_sets_the_quantity_and_zero_removes(make_product):
    product = make_product(stock=5)
    cart = {str(product.id): 1}

    carts.update_quantity(cart, product.id, 4)
    assert cart == {str(product.id): 4}

    carts.update_quantity(cart, product.id, 0)
    assert cart == {}


def test_update_beyond_stock_says_how_many_are_left(make_product):
    product = make_product(name="Valve oil", stock=3)
    cart = {str(product.id): 1}

    with pytest.raises(ServiceError, match="Only 3 left of Valve oil"):
        carts.update_quantity(cart, product.id, 4)
    assert cart == {str(product.id): 1}


def test_update_of_a_product_not_in_the_cart(make_product):
    product = make_product()

    with pytest.raises(ServiceError, match="not in your cart"):
        carts.update_quantity({}, product.id, 1)


def test_remove(make_product):
    product = make_product()
    cart = {str(product.id): 2}

    carts.remove_from_cart(cart, product.id)
    carts.remove_from_cart(cart, product.id)

    assert cart == {}


def test_prices_come_from_the_catalogue_at_the_time_of_viewing(make_product):
    trumpet = make_product(price_cents=100_00, stock=5)
    reeds = make_product(price_cents=24_99, stock=50)
    cart = {str(trumpet.id): 1, str(reeds.id): 2}

    before = carts.price_cart(cart)
    trumpet.price_cents = 90_00
    db.session.commit()
    after = carts.price_cart(cart)

    assert before.subtotal_cents == 100_00 + 2 * 24_99
    assert after.subtotal_cents == 90_00 + 2 * 24_99
    assert after.item_count == 3
    assert [line.line_total_cents for line in after.lines] == [90_00, 49_98]


@pytest.mark.parametrize(
    ("subtotal", "basis_points", "tax"),
    [
        (0, 725, 0),
        (100, 725, 7),  # 7.25 cents rounds down
        (200, 725, 15),  # 14.5 cents rounds half up
        (1_774_97, 725, 128_69),  # 12868.5325
        (1_000, 0, 0),
        (999, 1_000, 100),  # 99.9
    ],
)
def test_tax_is_rounded_half_up_per_order(subtotal, basis_points, tax):
    assert carts.tax_on(subtotal, basis_points) == tax


@pytest.mark.config(TAX_RATE_BASIS_POINTS=1000)
def test_the_tax_rate_is_a_setting(make_product):
    product = make_product(price_cents=50_00)

    priced = carts.price_cart({str(product.id): 1})

    assert priced.tax_cents == 5_00
    assert priced.total_cents == 55_00
    assert priced.tax_rate_percent == "10%"


def test_default_tax_rate_is_7_25_percent(make_product):
    product = make_product(price_cents=200)

    priced = carts.price_cart({str(product.id): 1})

    assert priced.tax_rate_percent == "7.25%"
    assert priced.tax_cents == 15


def test_malformed_and_vanished_entries_are_left_out(make_product):
    product = make_product(price_cents=10_00)
    gone = make_product(active=False)
    cart = {
        str(product.id): 2,
        str(gone.id): 1,
        "999999": 1,
        "abc": 1,
        "7": "lots",
        "8": -3,
    }

    priced = carts.price_cart(cart)

    assert [line.product.id for line in priced.lines] == [product.id]
    assert priced.subtotal_cents == 20_00
    assert carts.item_count({"abc": 2, "5": 3, "6": 0}) == 3


def test_a_line_short_of_stock_says_so(make_product):
    product = make_product(name="Cello", stock=1)
    cart = {str(product.id): 2}

    priced = carts.price_cart(cart)

    assert priced.problems == ["Only 1 left of Cello."]
