"""The Storefront's database: web accounts and their link requests."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, new_token, utcnow


class WebAccount(UserMixin, db.Model):
    """A customer's website account; its id is the Active-e ID."""

    __tablename__ = "web_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(60))
    last_name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(120), default="")
    city: Mapped[str] = mapped_column(String(60), default="")
    state: Mapped[str] = mapped_column(String(30), default="")
    postal_code: Mapped[str] = mapped_column(String(12), default="")
    search_name: Mapped[str] = mapped_column(String(130), index=True, default="")
    disabled: Mapped[bool] = mapped_column(default=False)
    session_token: Mapped[str] = mapped_column(String(64), default=new_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The bridge to AIM; unique so one AIM customer has one web account.
    aim_customer_number: Mapped[int | None] = mapped_column(unique=True)
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    link_requests: Mapped[list["LinkRequest"]] = relationship(
        back_populates="web_account", order_by="LinkRequest.id.desc()"
    )

    @property
    def active_e_id(self) -> int:
        return self.id

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_id(self) -> str:
        return f"customer:{self.id}:{self.session_token}"

    @property
    def is_staff(self) -> bool:
        return False

    @property
    def is_active(self) -> bool:
        return not self.disabled


class LinkStatus(enum.StrEnum):
    PENDING = "pending"
    LINKING = "linking"
    LINKED = "linked"
    REJECTED = "rejected"


OPEN_STATUSES = (LinkStatus.PENDING, LinkStatus.LINKING)


class LinkRequest(db.Model):
    """A C2B request: a web account asks to be linked to its AIM customer.

    The customer's details are a snapshot of what they sent, so staff compare
    what the customer asked with, even if the account changes later.
    """

    __tablename__ = "link_requests"
    __table_args__ = (
        # One open request per web account, enforced by the database.
        Index(
            "uq_link_requests_open_per_account",
            "web_account_id",
            unique=True,
            sqlite_where=text("status IN ('pending', 'linking')"),
            postgresql_where=text("status IN ('pending', 'linking')"),
        ),
        Index("ix_link_requests_status_submitted", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    web_account_id: Mapped[int] = mapped_column(ForeignKey("web_accounts.id"))
    status: Mapped[str] = mapped_column(String(12), default=LinkStatus.PENDING)
    aim_number_typed: Mapped[str] = mapped_column(String(12), default="")
    first_name: Mapped[str] = mapped_column(String(60))
    last_name: Mapped[str] = mapped_column(String(60))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(120), default="")
    city: Mapped[str] = mapped_column(String(60), default="")
    state: Mapped[str] = mapped_column(String(30), default="")
    postal_code: Mapped[str] = mapped_column(String(12), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a staff member starts saving, so a second one is refused.
    claimed_customer_number: Mapped[int | None]
    claimed_by: Mapped[str] = mapped_column(String(60), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str] = mapped_column(String(60), default="")
    reject_reason: Mapped[str] = mapped_column(String(300), default="")

    web_account: Mapped[WebAccount] = relationship(back_populates="link_requests")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Category(db.Model):
    """A shelf of the shop: brass, woodwinds, strings, ..."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    products: Mapped[list["Product"]] = relationship(back_populates="category")


class Product(db.Model):
    """Something the shop sells; prices are whole cents."""

    __tablename__ = "products"
    __table_args__ = (CheckConstraint("stock >= 0", name="stock_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    price_cents: Mapped[int]
    stock: Mapped[int] = mapped_column(default=0)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id"), index=True
    )
    image: Mapped[str] = mapped_column(String(120), default="")
    search_name: Mapped[str] = mapped_column(String(200), index=True, default="")
    active: Mapped[bool] = mapped_column(default=True)

    category: Mapped[Category | None] = relationship(back_populates="products")


class OrderImport(enum.StrEnum):
    """Where a web order stands in AIM's Import e-commerce orders screen."""

    NEW = "new"
    IMPORTED = "imported"


class PaymentMethod(enum.StrEnum):
    PAY_ON_PICKUP = "pay_on_pickup"
    CARD = "card"


class Order(db.Model):
    """A web order; its id is the web order number AIM imports it under."""

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_import_status_created", "import_status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    web_account_id: Mapped[int] = mapped_column(
        ForeignKey("web_accounts.id"), index=True
    )
    # The checkout form's one-time token: the same checkout posted twice is one order.
    checkout_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    email: Mapped[str] = mapped_column(String(254))
    billing_first_name: Mapped[str] = mapped_column(String(60))
    billing_last_name: Mapped[str] = mapped_column(String(60))
    billing_phone: Mapped[str] = mapped_column(String(30), default="")
    billing_address: Mapped[str] = mapped_column(String(120))
    billing_city: Mapped[str] = mapped_column(String(60))
    billing_state: Mapped[str] = mapped_column(String(30))
    billing_postal_code: Mapped[str] = mapped_column(String(12))
    shipping_name: Mapped[str] = mapped_column(String(120))
    shipping_address: Mapped[str] = mapped_column(String(120))
    shipping_city: Mapped[str] = mapped_column(String(60))
    shipping_state: Mapped[str] = mapped_column(String(30))
    shipping_postal_code: Mapped[str] = mapped_column(String(12))

    subtotal_cents: Mapped[int]
    tax_cents: Mapped[int]
    total_cents: Mapped[int]
    payment_method: Mapped[str] = mapped_column(String(20))
    payment_status: Mapped[str] = mapped_column(String(20), default="due")
    payment_reference: Mapped[str] = mapped_column(String(60), default="")
    card_summary: Mapped[str] = mapped_column(String(40), default="")

    # AIM's import: the lock is a row value so it holds across workers.
    import_status: Mapped[str] = mapped_column(String(12), default=OrderImport.NEW)
    locked_by_id: Mapped[int | None]
    locked_by: Mapped[str] = mapped_column(String(60), default="")
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    aim_customer_number: Mapped[int | None]
    aim_sale_id: Mapped[int | None]
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(60), default="")

    web_account: Mapped[WebAccount] = relationship()
    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )

    @property
    def billing_name(self) -> str:
        return f"{self.billing_first_name} {self.billing_last_name}".strip()


class OrderLine(db.Model):
    """One product on an order, at the price it was sold for."""

    __tablename__ = "order_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    sku: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[int]
    unit_price_cents: Mapped[int]
    line_total_cents: Mapped[int]

    order: Mapped[Order] = relationship(back_populates="lines")
