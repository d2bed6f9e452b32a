"""The shop's catalogue: categories and products, browsed and searched."""

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from app.extensions import db
from app.models import Category, Product
from app.services.errors import NotFound
from app.services.text import clean, fold

PER_PAGE = 12
MAX_SEARCH = 100


@dataclass
class Shelf:
    """One page of the catalogue, with what it was asked for."""

    page: object
    categories: list[Category]
    category: Category | None
    query: str


def search_name_of(name: str, sku: str) -> str:
    """What a product is found by: its name and SKU, without case or accents."""
    return fold(f"{name} {sku}")[:200]


def list_categories() -> list[Category]:
    query = select(Category).order_by(Category.position, Category.name)
    return list(db.session.scalars(query))


def get_category(slug: str) -> Category:
    category = db.session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        raise NotFound("There is no such category.")
    return category


def browse_products(
    text: str = "", category_slug: str = "", page: int = 1, per_page: int = PER_PAGE
) -> Shelf:
    """Products on sale by name or SKU words, in one category or all; by name."""
    text = clean(text)[:MAX_SEARCH]
    category = get_category(category_slug) if category_slug else None

    query = select(Product).where(Product.active.is_(True))
    if category is not None:
        query = query.where(Product.category_id == category.id)
    for word in fold(text).split():
        # A word matches the start of any word of the name or SKU; % and _
        # are searched for as themselves.
        query = query.where(
            or_(
                Product.search_name.startswith(word, autoescape=True),
                Product.search_name.contains(" " + word, autoescape=True),
                Product.search_name.contains("-" + word, autoescape=True),
            )
        )
    query = query.order_by(Product.name, Product.id)

    return Shelf(
        page=db.paginate(query, page=page, per_page=per_page, error_out=False),
        categories=list_categories(),
        category=category,
        query=text,
    )


def get_product(sku: str) -> Product:
    """A product on sale by its SKU, in any letter case."""
    product = db.session.scalar(
        select(Product).where(func.upper(Product.sku) == clean(sku).upper()[:40])
    )
    if product is None or not product.active:
        raise NotFound("There is no such product.")
    return product


def products_by_id(ids) -> dict[int, Product]:
    """The products with these ids that are on sale, by id."""
    ids = list(ids)
    if not ids:
        return {}
    query = select(Product).where(Product.id.in_(ids), Product.active.is_(True))
    return {product.id: product for product in db.session.scalars(query)}
