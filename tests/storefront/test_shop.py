"""/shop, product pages and /cart, through the pages."""

import pytest

from tests.conftest import login_as
from tests.helpers import field_errors, flashes, input_value, redirect_target, text


@pytest.fixture
def trumpet(make_product):
    return make_product(
        "Brass",
        sku="YTR-2330",
        name="Yamaha YTR-2330 Student Trumpet",
        price_cents=109_999,
        stock=4,
        description="Case & 7C mouthpiece <included>.",
    )


def cart_of(client) -> dict:
    with client.session_transaction() as session:
        return dict(session.get("cart") or {})


def test_the_shop_shows_name_sku_price_stock_and_a_picture(
    client, trumpet, make_product
):
    make_product("Brass", name="Sold-out horn", stock=0)

    page = client.get("/shop")

    assert page.status_code == 200
    html = text(page)
    assert "Yamaha YTR-2330 Student Trumpet" in html
    assert "SKU YTR-2330" in html
    assert "$1,099.99" in html
    assert "In stock (4)" in html
    assert "Out of stock" in html
    assert "img/product-placeholder.svg" in html
    assert 'href="/shop?category=brass"' in html
    assert html.count("Add to cart") == 1
    assert "Sold out" in html


def test_a_product_picture_is_served_from_this_site(client, make_product):
    make_product(name="Pictured", image="trumpet.jpg")

    html = text(client.get("/shop"))

    assert 'src="/static/img/products/trumpet.jpg"' in html
    assert "http" not in html.split("product-picture")[1].split(">")[0]


@pytest.mark.parametrize(
    ("query", "found"),
    [("yamaha", True), ("YTR-2330", True), ("ytr", True), ("horn", False)],
)
def test_search(client, trumpet, query, found):
    html = text(client.get("/shop", query_string={"q": query}))

    assert ("Yamaha YTR-2330 Student Trumpet" in html) is found
    if not found:
        assert "Nothing matches" in html


def test_search_text_is_escaped_and_percent_is_literal(client, trumpet):
    html = text(client.get("/shop", query_string={"q": "<b>%</b>"}))

    assert "<b>%</b>" not in html
    assert "&lt;b&gt;%&lt;/b&gt;" in html
    assert "Yamaha YTR-2330" not in html


def test_category_filter_and_unknown_category(client, trumpet, make_product):
    make_product("Strings", name="Violin outfit")

    brass = text(client.get("/shop?category=brass"))

    assert "Yamaha YTR-2330" in brass and "Violin outfit" not in brass
    assert client.get("/shop?category=no-such").status_code == 404


def test_paging_and_nonsense_pages(client, make_product):
    for n in range(13):
        make_product(name=f"Item {n:02d}")

    second = client.get("/shop?page=2")

    assert "Item 12" in text(second) and "Item 00" not in text(second)
    assert "Page 2 of 2" in text(second)
    assert client.get("/shop?page=abc").status_code == 400
    assert client.get("/shop?page=0").status_code == 400


def test_product_page_escapes_what_staff_typed(client, trumpet):
    page = client.get("/shop/ytr-2330")

    assert page.status_code == 200
    assert "Case &amp; 7C mouthpiece &lt;included&gt;." in text(page)
    assert client.get("/shop/NO-SUCH").status_code == 404


def test_a_product_off_sale_is_not_found(client, make_product):
    make_product(sku="OLD-1", active=False)

    assert client.get("/shop/OLD-1").status_code == 404
    assert "OLD-1" not in text(client.get("/shop"))


def test_add_from_the_list_goes_back_to_the_list(client, trumpet):
    response = client.post(
        "/cart/add",
        data={"product_id": trumpet.id, "quantity": 1, "next": "/shop?page=1"},
    )

    assert redirect_target(response) == ("/shop", {"page": ["1"]})
    assert cart_of(client) == {str(trumpet.id): 1}
    assert flashes(client.get("/shop")) == [
        "Added Yamaha YTR-2330 Student Trumpet to your cart."
    ]


def test_add_never_redirects_off_the_site(client, trumpet):
    response = client.post(
        "/cart/add",
        data={"product_id": trumpet.id, "quantity": 1, "next": "https://evil.example"},
    )

    assert redirect_target(response)[0] == "/cart"


def test_add_more_than_in_stock_says_so_and_keeps_the_cart(client, make_product):
    cello = make_product(name="Cello", stock=1)
    client.post(
        "/cart/add", data={"product_id": cello.id, "quantity": 1}, follow_redirects=True
    )

    response = client.post(
        "/cart/add", data={"product_id": cello.id, "quantity": 1}, follow_redirects=True
    )

    assert flashes(response) == ["Only 1 left of Cello. You have 1 in your cart."]
    assert cart_of(client) == {str(cello.id): 1}


@pytest.mark.parametrize(
    "data",
    [{}, {"product_id": "x", "quantity": 1}, {"product_id": 1, "quantity": 500}],
)
def test_add_with_nonsense_is_a_bad_request(client, trumpet, data):
    assert client.post("/cart/add", data=data).status_code == 400
    assert cart_of(client) == {}


def test_add_on_the_product_page(client, trumpet):
    response = client.post("/shop/YTR-2330", data={"quantity": 2})

    assert redirect_target(response)[0] == "/shop/YTR-2330"
    page = client.get("/shop/YTR-2330")
    assert flashes(page) == ["Added 2 × Yamaha YTR-2330 Student Trumpet to your cart."]
    assert "In your cart: 2." in text(page)


def test_too_many_on_the_product_page_is_an_error_beside_the_quantity(client, trumpet):
    page = client.post("/shop/YTR-2330", data={"quantity": 7})

    assert page.status_code == 200
    assert field_errors(page, "quantity") == [
        "Only 4 left of Yamaha YTR-2330 Student Trumpet."
    ]
    assert input_value(page, "quantity") == "7"
    assert cart_of(client) == {}


def test_the_cart_is_priced_from_the_catalogue(client, trumpet, make_product):
    reeds = make_product(name="Reeds", price_cents=24_99, stock=40)
    with client.session_transaction() as session:
        session["cart"] = {str(trumpet.id): 1, str(reeds.id): 2, "price": 1}

    page = text(client.get("/cart"))

    assert "$1,099.99" in page and "$49.98" in page
    assert "$1,149.97" in page  # subtotal
    assert "Sales tax (7.25%)" in page and "$83.37" in page
    assert "$1,233.34" in page
    assert 'href="/checkout"' in page
    assert '<span class="cart-count">3</span>' in page


def test_update_and_remove_lines(client, trumpet):
    client.post("/cart/add", data={"product_id": trumpet.id, "quantity": 1})

    updated = client.post(f"/cart/{trumpet.id}", data={"quantity": 3})
    assert redirect_target(updated)[0] == "/cart"
    assert cart_of(client) == {str(trumpet.id): 3}

    removed = client.post(f"/cart/{trumpet.id}/remove")
    assert redirect_target(removed)[0] == "/cart"
    assert cart_of(client) == {}
    assert "Your cart is empty." in text(client.get("/cart"))


def test_update_beyond_stock_shows_the_error_on_that_line(client, trumpet):
    client.post("/cart/add", data={"product_id": trumpet.id, "quantity": 1})

    page = client.post(f"/cart/{trumpet.id}", data={"quantity": 9})

    assert page.status_code == 200
    assert field_errors(page, f"quantity-{trumpet.id}") == [
        "Only 4 left of Yamaha YTR-2330 Student Trumpet."
    ]
    assert input_value(page, "quantity") == "9"
    assert cart_of(client) == {str(trumpet.id): 1}


def test_a_line_short_of_stock_blocks_checkout_from_the_cart(client, make_product):
    cello = make_product(name="Cello", stock=1)
    with client.session_transaction() as session:
        session["cart"] = {str(cello.id): 2}

    page = text(client.get("/cart"))

    assert "Only 1 left of Cello." in page
    assert 'href="/checkout"' not in page


def test_the_cart_survives_signing_in(client, trumpet, make_account):
    from tests.conftest import PASSWORD

    account = make_account(email="pat@example.com")
    client.post("/cart/add", data={"product_id": trumpet.id, "quantity": 1})

    client.post("/login", data={"email": account.email, "password": PASSWORD})

    assert cart_of(client) == {str(trumpet.id): 1}


def test_signing_out_empties_the_cart(client, trumpet, make_account):
    login_as(client, make_account())
    client.post("/cart/add", data={"product_id": trumpet.id, "quantity": 1})

    response = client.post("/logout")

    assert redirect_target(response)[0] == "/"
    assert cart_of(client) == {}


def test_the_store_header_links_to_the_shop_and_the_cart(client):
    html = text(client.get("/"))

    assert 'href="/shop">Shop</a>' in html
    assert 'href="/cart" class="cart-link">Cart' in html


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_adding_to_the_cart_needs_the_csrf_token(client, trumpet):
    response = client.post("/cart/add", data={"product_id": trumpet.id, "quantity": 1})

    assert response.status_code == 400
    assert cart_of(client) == {}
