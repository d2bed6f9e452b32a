"""The C2B link between a web account and an AIM customer.

AIM's ``customers.active_e_id`` is the link itself; the Storefront keeps a copy
(``web_accounts.aim_customer_number``) so its pages need not ask AIM. Both
columns are unique, so neither database can hold a second link either way.

Saving a link writes AIM first, then the Storefront, in separate commits. If
it stops in between, the request is left "linking" with its customer claimed,
and saving again skips the finished AIM step and completes the rest.
"""

import logging
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Customer, LinkRequest, LinkStatus, Staff, WebAccount
from app.models.aim import FIRST_CUSTOMER_NUMBER
from app.models.storefront import OPEN_STATUSES
from app.models.types import utcnow
from app.services import audit
from app.services.customers import (
    STALE,
    apply_values,
    commit_or_stale,
    get_customer,
    search_customers,
)
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.matching import suggest_customers
from app.services.text import clean, fit_columns, fold, normalize_phone, phone_digits

logger = logging.getLogger(__name__)

MAX_AIM_NUMBER_DIGITS = 9
NAME_WARNING = 70  # rapidfuzz similarity under which Update Customer warns
COPIED_FIELDS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "phone": "Phone",
    "address": "Address",
    "city": "City",
    "state": "State",
    "postal_code": "Postal code",
}


@dataclass
class RequestDetails:
    """What the customer sends on the C2B form (the email comes from the account)."""

    aim_number: str
    first_name: str
    last_name: str
    phone: str = ""
    address: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    comment: str = ""


@dataclass
class AccountLinkStatus:
    """What a web account's pages say about its link."""

    aim_customer_number: int | None
    open_request: LinkRequest | None
    rejected_request: LinkRequest | None

    @property
    def linked(self) -> bool:
        return self.aim_customer_number is not None

    @property
    def label(self) -> str:
        if self.linked:
            return f"Linked to AIM account #{self.aim_customer_number}"
        if self.open_request is not None:
            return "Link request pending"
        return "Not linked"


# The customer's side --------------------------------------------------------


def account_link_status(account: WebAccount) -> AccountLinkStatus:
    latest = latest_request_of(account)
    return AccountLinkStatus(
        aim_customer_number=account.aim_customer_number,
        open_request=latest if latest is not None and latest.is_open else None,
        rejected_request=(
            latest
            if latest is not None and latest.status == LinkStatus.REJECTED
            else None
        ),
    )


def open_request_of(account: WebAccount) -> LinkRequest | None:
    return db.session.scalar(
        select(LinkRequest).where(
            LinkRequest.web_account_id == account.id,
            LinkRequest.status.in_(OPEN_STATUSES),
        )
    )


def latest_request_of(account: WebAccount) -> LinkRequest | None:
    return db.session.scalar(
        select(LinkRequest)
        .where(LinkRequest.web_account_id == account.id)
        .order_by(LinkRequest.id.desc())
        .limit(1)
    )


def submit_link_request(account: WebAccount, details: RequestDetails) -> LinkRequest:
    """File the account's one open request, or update it if there is one.

    The answer never depends on whether the typed AIM number exists.
    """
    if account.aim_customer_number is not None:
        raise ServiceError("Your account is already linked.")
    number = clean(details.aim_number).lstrip("#")
    digits = number.isascii() and number.isdigit()  # isdigit alone lets "²" in
    if number and (not digits or len(number) > MAX_AIM_NUMBER_DIGITS):
        raise ServiceError(
            "Your AIM account number is digits only, for example 573.", "aim_number"
        )
    if number and int(number) < FIRST_CUSTOMER_NUMBER:
        # A rule anyone can know, so refusing it says nothing about who exists.
        raise ServiceError(
            f"AIM account numbers start at {FIRST_CUSTOMER_NUMBER}; check the "
            "number on your receipt, or leave it empty.",
            "aim_number",
        )
    values = {
        "aim_number_typed": number,
        "first_name": clean(details.first_name),
        "last_name": clean(details.last_name),
        "email": account.email,
        "phone": normalize_phone(details.phone),
        "address": clean(details.address),
        "city": clean(details.city),
        "state": clean(details.state),
        "postal_code": clean(details.postal_code).upper(),
        "comment": (details.comment or "").strip(),
        "updated_at": utcnow(),
    }
    fit_columns(values, LinkRequest)

    link_request = open_request_of(account)
    if link_request is None:
        link_request = LinkRequest(web_account_id=account.id, **values)
        db.session.add(link_request)
        try:
            db.session.commit()
        except IntegrityError:
            # A second submit raced ours and filed the open request first.
            db.session.rollback()
            link_request = open_request_of(account)
            if link_request is None:
                raise
        else:
            logger.info(
                "link request %s filed by web account %s", link_request.id, account.id
            )
            return link_request

    if link_request.status != LinkStatus.PENDING:
        raise ServiceError(
            "Staff are linking your account right now; there is nothing to change."
        )
    for name, value in values.items():
        setattr(link_request, name, value)
    db.session.commit()
    logger.info(
        "link request %s updated by web account %s", link_request.id, account.id
    )
    return link_request


# Staff's side ---------------------------------------------------------------


def open_requests(page: int = 1, per_page: int = 20):
    """Pending requests, oldest first, the interrupted ones among them."""
    query = (
        select(LinkRequest)
        .where(LinkRequest.status.in_(OPEN_STATUSES))
        .order_by(LinkRequest.submitted_at, LinkRequest.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def get_request(request_id: int) -> LinkRequest:
    link_request = db.session.get(LinkRequest, request_id)
    if link_request is None:
        raise NotFound("That link request does not exist.")
    return link_request


def web_changes(link_request: LinkRequest, customer: Customer) -> list[dict]:
    """The fields where the website's information really differs from AIM's.

    A difference of accents, case or phone punctuation is no change: AIM keeps
    its own spelling ("María" is not replaced by "Maria").
    """
    changes = []
    for name, label in COPIED_FIELDS.items():
        web_value = getattr(link_request, name) or ""
        aim_value = getattr(customer, name) or ""
        if web_value and _comparable(name, web_value) != _comparable(name, aim_value):
            changes.append(
                {"field": name, "label": label, "aim": aim_value, "web": web_value}
            )
    return changes


def _comparable(name: str, value: str) -> str:
    return phone_digits(value) if name == "phone" else fold(value)


def names_differ(link_request: LinkRequest, customer: Customer) -> bool:
    """Whether the chosen customer looks like another person than the request's."""
    wanted = fold(link_request.full_name)
    return fuzz.token_sort_ratio(wanted, fold(customer.full_name)) < NAME_WARNING


def copy_web_details(
    request_id: int,
    customer_number: int,
    version: int,
    staff: Staff,
    same_person_checked: bool = False,
) -> list[str]:
    """Update Customer: copy the request's web details into the AIM record.

    When the names differ, the staff member must first confirm it is the same
    person; the audit entry keeps the old values either way.
    """
    link_request = _open_or_refuse(request_id)
    customer = get_customer(customer_number)
    if customer.version != version:
        raise Conflict(STALE)
    if names_differ(link_request, customer) and not same_person_checked:
        raise ServiceError(
            f"The website says {link_request.full_name}, AIM #{customer.number} is "
            f"{customer.full_name}. Tick 'Same person' to update anyway.",
            "same_person",
        )

    changes = web_changes(link_request, customer)
    if not changes:
        return []
    apply_values(customer, {change["field"]: change["web"] for change in changes})
    audit.record(
        staff,
        "customer updated from web",
        customer_number=customer.number,
        web_account_id=link_request.web_account_id,
        details="; ".join(
            f"{change['label']} was {change['aim'] or '(empty)'}" for change in changes
        ),
    )
    commit_or_stale()
    return [change["label"] for change in changes]


def _open_or_refuse(request_id: int) -> LinkRequest:
    link_request = get_request(request_id)
    if not link_request.is_open:
        raise Conflict(_resolved_message(link_request))
    return link_request


def _resolved_message(link_request: LinkRequest) -> str:
    who = link_request.resolved_by or "another staff member"
    if link_request.status == LinkStatus.REJECTED:
        return f"This request was already rejected by {who}."
    return (
        f"This request was already resolved by {who}: the web account is linked "
        f"to AIM #{link_request.claimed_customer_number}."
    )


def link_accounts(request_id: int, customer_number: int, staff: Staff) -> LinkRequest:
    """Save: link the request's web account to the AIM customer.

    Safe to run again after a failure at any step; it finishes the job and
    never links twice.
    """
    link_request = get_request(request_id)
    web_id = link_request.web_account_id
    if link_request.status == LinkStatus.LINKED:
        if link_request.claimed_customer_number == customer_number:
            return link_request
        raise Conflict(_resolved_message(link_request))
    if link_request.status == LinkStatus.REJECTED:
        raise Conflict(_resolved_message(link_request))

    customer = get_customer(customer_number)
    _refuse_other_links(customer, web_id)
    _claim(link_request, customer_number, staff)
    try:
        _link_in_aim(customer_number, web_id, staff)
    except Conflict:
        _release_claim(request_id, customer_number)
        raise
    _link_in_storefront(request_id, customer_number, web_id, staff)
    return get_request(request_id)


def _refuse_other_links(customer: Customer, web_id: int) -> None:
    if customer.active_e_id is not None and customer.active_e_id != web_id:
        raise Conflict(
            f"AIM #{customer.number} {customer.full_name} is already linked to "
            f"another web account (Active-e ID {customer.active_e_id})."
        )
    other = db.session.scalar(
        select(Customer).where(
            Customer.active_e_id == web_id, Customer.number != customer.number
        )
    )
    if other is not None:
        raise Conflict(
            f"This web account is already linked to AIM #{other.number} "
            f"{other.full_name}."
        )


def _claim(link_request: LinkRequest, customer_number: int, staff: Staff) -> None:
    """Take the request for this customer, so a second staff member is refused."""
    table = LinkRequest.__table__
    result = db.session.execute(
        update(table)
        .where(
            table.c.id == link_request.id,
            (table.c.status == LinkStatus.PENDING)
            | (
                (table.c.status == LinkStatus.LINKING)
                & (table.c.claimed_customer_number == customer_number)
            ),
        )
        .values(
            status=LinkStatus.LINKING,
            claimed_customer_number=customer_number,
            claimed_by=staff.username,
        )
    )
    db.session.commit()
    if result.rowcount == 1:
        return

    db.session.refresh(link_request)
    if link_request.status == LinkStatus.LINKING:
        raise Conflict(
            f"{link_request.claimed_by} is already saving this request with "
            f"AIM #{link_request.claimed_customer_number}. Nothing was changed."
        )
    raise Conflict(_resolved_message(link_request))


def _release_claim(request_id: int, customer_number: int) -> None:
    table = LinkRequest.__table__
    db.session.execute(
        update(table)
        .where(
            table.c.id == request_id,
            table.c.status == LinkStatus.LINKING,
            table.c.claimed_customer_number == customer_number,
        )
        .values(status=LinkStatus.PENDING, claimed_customer_number=None, claimed_by="")
    )
    db.session.commit()


def _link_in_aim(customer_number: int, web_id: int, staff: Staff) -> None:
    """Set the AIM customer's Active-e ID, unless an earlier attempt already did."""
    table = Customer.__table__
    current = select(Customer.active_e_id).where(Customer.number == customer_number)
    if db.session.scalar(current) == web_id:
        return

    try:
        result = db.session.execute(
            update(table)
            .where(table.c.number == customer_number, table.c.active_e_id.is_(None))
            .values(
                active_e_id=web_id,
                linked_at=utcnow(),
                updated_at=utcnow(),
                version=table.c.version + 1,
            )
        )
        if result.rowcount != 1:
            if db.session.scalar(current) == web_id:
                # A second save of this same link (a double click) got there first.
                db.session.rollback()
                return
            raise Conflict(
                f"AIM #{customer_number} was linked to another web account a moment "
                "ago. Nothing was changed."
            )
        audit.record(
            staff,
            "web account linked",
            customer_number=customer_number,
            web_account_id=web_id,
            details=f"Active-e ID {web_id} set on AIM #{customer_number}",
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(
            "This web account was linked to another AIM customer a moment ago. "
            "Nothing was changed."
        ) from None
    except Conflict:
        db.session.rollback()
        raise


def _link_in_storefront(
    request_id: int, customer_number: int, web_id: int, staff: Staff
) -> None:
    """Copy the AIM link to the Storefront and close the request."""
    requests = LinkRequest.__table__
    now = utcnow()
    # Read before the Storefront is touched: on SQLite, reloading the staff row
    # after it would lock AIM while holding the Storefront, the reverse order
    # of every staff request, and two such requests deadlock.
    resolved_by = staff.username

    _copy_link_to_storefront(customer_number, web_id, now)
    db.session.execute(
        update(requests)
        .where(
            requests.c.id == request_id,
            requests.c.status == LinkStatus.LINKING,
            requests.c.claimed_customer_number == customer_number,
        )
        .values(status=LinkStatus.LINKED, resolved_at=now, resolved_by=resolved_by)
    )
    db.session.commit()
    logger.info(
        "link request %s saved: web account %s linked to AIM #%s by %s",
        request_id,
        web_id,
        customer_number,
        resolved_by,
    )


def _copy_link_to_storefront(customer_number: int, web_id: int, now) -> None:
    """Write AIM's link into the Storefront's copy, in the caller's transaction."""
    accounts = WebAccount.__table__

    # AIM is the truth: a copy left behind by an interrupted unlink gives way.
    db.session.execute(
        update(accounts)
        .where(
            accounts.c.aim_customer_number == customer_number, accounts.c.id != web_id
        )
        .values(aim_customer_number=None, linked_at=None)
    )
    db.session.execute(
        update(accounts)
        .where(accounts.c.id == web_id)
        .values(aim_customer_number=customer_number, linked_at=now)
    )


def link_web_account(web_id: int, customer_number: int, staff: Staff) -> Customer:
    """Link a web account to an AIM customer without a C2B request (a web order).

    The same refusals as Save; the account's open request, if any, is closed as
    linked. Safe to run again after a failure between the two databases.
    """
    customer = get_customer(customer_number)
    _refuse_other_links(customer, web_id)
    _link_in_aim(customer_number, web_id, staff)
    # Let go of AIM before the Storefront (the lock order in database.py).
    db.session.commit()

    now = utcnow()
    _copy_link_to_storefront(customer_number, web_id, now)
    requests = LinkRequest.__table__
    db.session.execute(
        update(requests)
        .where(
            requests.c.web_account_id == web_id,
            requests.c.status.in_(OPEN_STATUSES),
        )
        .values(
            status=LinkStatus.LINKED,
            claimed_customer_number=customer_number,
            claimed_by=staff.username,
            resolved_at=now,
            resolved_by=staff.username,
        )
    )
    db.session.commit()
    logger.info(
        "web account %s linked to AIM #%s by %s",
        web_id,
        customer_number,
        staff.username,
    )
    return customer


def reject_request(request_id: int, reason: str, staff: Staff) -> LinkRequest:
    """Reject: the request leaves the list, and the customer sees the reason."""
    reason = clean(reason)
    if not reason:
        raise ServiceError("Tell the customer why, in a few words.", "reason")
    if len(reason) > 300:
        raise ServiceError("Keep the reason under 300 characters.", "reason")

    link_request = get_request(request_id)
    table = LinkRequest.__table__
    result = db.session.execute(
        update(table)
        .where(table.c.id == request_id, table.c.status == LinkStatus.PENDING)
        .values(
            status=LinkStatus.REJECTED,
            reject_reason=reason,
            resolved_at=utcnow(),
            resolved_by=staff.username,
        )
    )
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(link_request)
        if link_request.status == LinkStatus.LINKING:
            raise Conflict(
                f"{link_request.claimed_by} is saving this request; it cannot be "
                "rejected now."
            )
        raise Conflict(_resolved_message(link_request))

    audit.record(
        staff,
        "link request rejected",
        web_account_id=link_request.web_account_id,
        details=f"request {request_id}: {reason}",
    )
    db.session.commit()
    return link_request


def unlink_customer(customer_number: int, staff: Staff) -> int | None:
    """Managers only: remove the link, in AIM and then on the Storefront."""
    customer = get_customer(customer_number)
    web_id = customer.active_e_id
    if web_id is not None:
        table = Customer.__table__
        db.session.execute(
            update(table)
            .where(table.c.number == customer_number)
            .values(
                active_e_id=None,
                linked_at=None,
                updated_at=utcnow(),
                version=table.c.version + 1,
            )
        )
        audit.record(
            staff,
            "web account unlinked",
            customer_number=customer_number,
            web_account_id=web_id,
            details=f"Active-e ID {web_id} removed from AIM #{customer_number}",
        )
        db.session.commit()

    accounts = WebAccount.__table__
    db.session.execute(
        update(accounts)
        .where(accounts.c.aim_customer_number == customer_number)
        .values(aim_customer_number=None, linked_at=None)
    )
    db.session.commit()
    return web_id


def linked_customer_of(account: WebAccount) -> Customer | None:
    """The AIM customer holding this account's Active-e ID, if any."""
    return db.session.scalar(select(Customer).where(Customer.active_e_id == account.id))


@dataclass
class RelationScreen:
    """Everything the Customer Online Account Relation screen shows at once."""

    requests: object
    selected: LinkRequest | None = None
    customer: Customer | None = None
    changes: list | None = None
    names_differ: bool = False
    suggestions: list | None = None
    matches: object = None


def relation_screen(
    page: int,
    request_id: int | None,
    customer_number: int | None,
    find_text: str | None,
) -> RelationScreen:
    screen = RelationScreen(requests=open_requests(page))
    if request_id is None:
        return screen
    screen.selected = get_request(request_id)

    selected = screen.selected
    if customer_number is not None:
        screen.customer = get_customer(customer_number)
        screen.changes = web_changes(selected, screen.customer)
        screen.names_differ = names_differ(selected, screen.customer)
    if find_text is not None:
        screen.matches = search_customers(find_text, per_page=10)
    elif screen.customer is None and selected.is_open:
        screen.suggestions = suggest_customers(
            first_name=selected.first_name,
            last_name=selected.last_name,
            email=selected.email,
            phone=selected.phone,
            postal_code=selected.postal_code,
            typed_number=selected.aim_number_typed,
        )
    return screen
