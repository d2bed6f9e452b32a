"""The Storefront's database: web accounts and their link requests."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text, text
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
