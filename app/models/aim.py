"""AIM's database: customers, staff users and the audit trail."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import DDL, ForeignKey, Identity, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, new_token, utcnow

FIRST_CUSTOMER_NUMBER = 201


class Customer(db.Model):
    """An AIM customer; linked when active_e_id holds a web account's id."""

    __bind_key__ = "aim"
    __tablename__ = "customers"
    __table_args__ = {"sqlite_autoincrement": True}

    number: Mapped[int] = mapped_column(
        Identity(start=FIRST_CUSTOMER_NUMBER), primary_key=True
    )
    first_name: Mapped[str] = mapped_column(String(60))
    last_name: Mapped[str] = mapped_column(String(60))
    company: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(120), default="")
    city: Mapped[str] = mapped_column(String(60), default="")
    state: Mapped[str] = mapped_column(String(30), default="")
    postal_code: Mapped[str] = mapped_column(String(12), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    mobile: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    email_statements: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Search keys: folded to lower case without accents, kept by the service.
    search_first: Mapped[str] = mapped_column(String(60), index=True, default="")
    search_last: Mapped[str] = mapped_column(String(60), index=True, default="")
    email_key: Mapped[str] = mapped_column(String(254), index=True, default="")
    phone_digits: Mapped[str] = mapped_column(String(20), index=True, default="")
    # The last seven digits: staff often type a local number without its area code.
    phone_local: Mapped[str] = mapped_column(
        String(7), index=True, default="", server_default=""
    )
    # The bridge to the Storefront; unique so one web account has one customer.
    active_e_id: Mapped[int | None] = mapped_column(unique=True)
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_linked(self) -> bool:
        return self.active_e_id is not None


# SQLite ignores IDENTITY; seeding its sequence makes numbers start at 201 there.
event.listen(
    Customer.__table__,
    "after_create",
    DDL(
        "INSERT INTO sqlite_sequence (name, seq) "
        f"VALUES ('customers', {FIRST_CUSTOMER_NUMBER - 1})"
    ).execute_if(dialect="sqlite"),
)


ROLES = ("web_admin", "aim_clerk", "aim_manager")
ROLE_NAMES = {
    "web_admin": "Website admin",
    "aim_clerk": "AIM clerk",
    "aim_manager": "AIM manager",
}


class Staff(UserMixin, db.Model):
    """A staff user of AIM and the /aesys panel."""

    __bind_key__ = "aim"
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[str] = mapped_column(String(100), default="")
    disabled: Mapped[bool] = mapped_column(default=False)
    session_token: Mapped[str] = mapped_column(String(64), default=new_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    audit_entries: Mapped[list["AuditEntry"]] = relationship(back_populates="staff")

    def get_id(self) -> str:
        return f"staff:{self.id}:{self.session_token}"

    @property
    def is_staff(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return not self.disabled

    @property
    def role_set(self) -> set[str]:
        return {role for role in self.roles.split(",") if role}

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of these roles; managers are clerks too."""
        held = self.role_set
        if "aim_manager" in held:
            held = held | {"aim_clerk"}
        return bool(held.intersection(roles))

    @property
    def name(self) -> str:
        return self.display_name or self.username


class AuditEntry(db.Model):
    """One change made in AIM or on the link, with who made it and when."""

    __bind_key__ = "aim"
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str] = mapped_column(String(40))
    customer_number: Mapped[int | None] = mapped_column(index=True)
    web_account_id: Mapped[int | None]
    details: Mapped[str] = mapped_column(Text, default="")

    staff: Mapped[Staff | None] = relationship(back_populates="audit_entries")


class Sale(db.Model):
    """A sale in AIM; web orders arrive as sales carrying their web order number."""

    __bind_key__ = "aim"
    __tablename__ = "sales"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_number: Mapped[int] = mapped_column(
        ForeignKey("customers.number"), index=True
    )
    # Unique: importing one web order twice cannot make a second sale.
    web_order_number: Mapped[int | None] = mapped_column(unique=True)
    subtotal_cents: Mapped[int]
    tax_cents: Mapped[int]
    total_cents: Mapped[int]
    payment: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    customer: Mapped[Customer] = relationship()
    staff: Mapped[Staff | None] = relationship()
    lines: Mapped[list["SaleLine"]] = relationship(
        back_populates="sale", order_by="SaleLine.id", cascade="all, delete-orphan"
    )

    @property
    def is_web_order(self) -> bool:
        return self.web_order_number is not None


class SaleLine(db.Model):
    __bind_key__ = "aim"
    __tablename__ = "sale_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    sku: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[int]
    unit_price_cents: Mapped[int]
    line_total_cents: Mapped[int]

    sale: Mapped[Sale] = relationship(back_populates="lines")
