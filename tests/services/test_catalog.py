"""The catalogue: search by name or SKU, categories, paging, one product."""

import pytest

from app.services import catalog
from app.services.errors import NotFound


def names(shelf) -> list[str]:
    return [product.name for product in shelf.page.items]


@pytest.fixture
def shelf_items(make_product):
    make_product("Brass", sku="YTR-2330", name="Yamaha YTR-2330 Student Trumpet")
    make_product("Brass", sku="YSL-354", name="Yamaha YSL-354 Trombone")
    make_product("Percussion", sku="GUI-01", name="Güiro, Hand Carved")
    make_product("Woodwinds", sku="RICO-25", name="Rico Reeds 2.5 (10)")
    make_product("Woodwinds", sku="PCT-1", name="Reed guard 100% cedar_wood")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 5),
        ("yamaha", 2),
        ("YAMAHA trom", 1),
        ("trumpet", 1),
        ("ytr-2330", 1),
        ("2330", 1),
        ("guiro", 1),
        ("GÜIRO", 1),
        ("carved", 1),
        ("arved", 0),
        ("rumpet", 0),
        ("100%", 1),
        ("%", 0),
        ("_", 0),
        ("cedar_", 1),
        ("ceda_", 0),
        ("nothing like it", 0),
    ],
)
def test_search_matches_the_start_of_words_without_case_or_accents(
    shelf_items, query, expected
):
    assert catalog.browse_products(query).page.total == expected


def test_a_category_narrows_the_shelf_and_the_search(shelf_items):
    shelf = catalog.browse_products("", "brass")

    assert shelf.category.name == "Brass"
    assert names(shelf) == [
        "Yamaha YSL-354 Trombone",
        "Yamaha YTR-2330 Student Trumpet",
    ]
    assert names(catalog.browse_products("trumpet", "woodwinds")) == []
    assert [c.slug for c in shelf.categories] == ["brass", "percussion", "woodwinds"]


def test_an_unknown_category_is_not_found(shelf_items):
    with pytest.raises(NotFound):
        catalog.browse_products("", "no-such-shelf")


def test_products_not_on_sale_are_not_shown(make_product):
    make_product(name="Old stock", active=False)
    make_product(name="New stock")

    assert names(catalog.browse_products()) == ["New stock"]


def test_pages_hold_a_dozen_in_name_order(make_product):
    for n in range(14):
        make_product(name=f"Item {n:02d}")

    first = catalog.browse_products(page=1)
    second = catalog.browse_products(page=2)

    assert first.page.total == 14
    assert names(first)[:2] == ["Item 00", "Item 01"]
    assert names(second) == ["Item 12", "Item 13"]
    assert catalog.browse_products(page=9).page.items == []


def test_an_overlong_search_is_cut_not_refused(shelf_items):
    shelf = catalog.browse_products("yamaha " + "x" * 500)

    assert len(shelf.query) == catalog.MAX_SEARCH


def test_get_product_by_sku_in_any_case(make_product):
    product = make_product(sku="YTR-2330")

    assert catalog.get_product("ytr-2330") == product
    assert catalog.get_product(" YTR-2330 ") == product


@pytest.mark.parametrize("sku", ["NOPE-1", "", "%"])
def test_get_product_that_does_not_exist(make_product, sku):
    make_product(sku="YTR-2330")

    with pytest.raises(NotFound):
        catalog.get_product(sku)


def test_a_product_off_sale_is_not_found(make_product):
    make_product(sku="OLD-1", active=False)

    with pytest.raises(NotFound):
        catalog.get_product("OLD-1")


def test_search_name_folds_name_and_sku():
    assert catalog.search_name_of("Güiro Grande", "GUI-01") == "guiro grande gui-01"
