"""The /aesys view of web accounts (Contacts > Manage Contacts)."""

from sqlalchemy import or_, select

from app.extensions import db
from app.models import LinkRequest, WebAccount
from app.models.storefront import OPEN_STATUSES
from app.services.errors import NotFound
from app.services.text import clean, fold

SORTS = {
    "name": (WebAccount.search_name, WebAccount.id),
    "email": (WebAccount.email_key,),
    "newest": (WebAccount.id.desc(),),
    "id": (WebAccount.id,),
}


def search_contacts(text: str, sort: str = "name", page: int = 1, per_page: int = 20):
    """Web accounts by Active-e ID, name or email; an unknown sort means by name."""
    query = select(WebAccount).order_by(*SORTS.get(sort, SORTS["name"]))
    text = clean(text)[:100]
    # isdecimal, not isdigit: int() refuses "²"; longer numbers are no id.
    if text.isdecimal() and len(text) <= 9:
        query = query.where(WebAccount.id == int(text))
    elif "@" in text:
        query = query.where(
            WebAccount.email_key.startswith(fold(text), autoescape=True)
        )
    elif text:
        for word in fold(text).split()[:5]:
            query = query.where(
                or_(
                    WebAccount.search_name.startswith(word, autoescape=True),
                    WebAccount.search_name.contains(" " + word, autoescape=True),
                    WebAccount.email_key.startswith(word, autoescape=True),
                )
            )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def get_contact(account_id: int) -> WebAccount:
    account = db.session.get(WebAccount, account_id)
    if account is None:
        raise NotFound("There is no web account with that Customer ID.")
    return account


def with_open_request(accounts: list[WebAccount]) -> set[int]:
    """Which of these web accounts have a C2B request waiting for staff."""
    ids = [account.id for account in accounts]
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(LinkRequest.web_account_id).where(
                LinkRequest.web_account_id.in_(ids),
                LinkRequest.status.in_(OPEN_STATUSES),
            )
        )
    )
