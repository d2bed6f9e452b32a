"""Models of both databases; importing this registers every table."""

from app.models.aim import AuditEntry, Customer, Sale, SaleLine, Staff
from app.models.storefront import (
    Category,
    LinkRequest,
    LinkStatus,
    Order,
    OrderImport,
    OrderLine,
    PaymentMethod,
    Product,
    WebAccount,
)

__all__ = [
    "AuditEntry",
    "Category",
    "Customer",
    "LinkRequest",
    "LinkStatus",
    "Order",
    "OrderImport",
    "OrderLine",
    "PaymentMethod",
    "Product",
    "Sale",
    "SaleLine",
    "Staff",
    "WebAccount",
]
