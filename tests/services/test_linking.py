from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import AuditEntry, Customer, LinkRequest, LinkStatus, WebAccount
from app.services import audit, linking
from app.services.customers import STALE
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.linking import RequestDetails


def details(aim_number: str = "573", **values) -> RequestDetails:
    fields = {
        "first_name": "Pat",
        "last_name": "Rivera",
        "phone": "217 555 0142",
        "address": "9 Elm St",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62704",
        "comment": "",
    }
    fields.update(values)
    return RequestDetails(aim_number=aim_number, **fields)


def audit_entries(action: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def requests_of(account: WebAccount) -> list[LinkRequest]:
    return list(
        db.session.scalars(
            select(LinkRequest)
            .where(LinkRequest.web_account_id == account.id)
            .order_by(LinkRequest.id)
        )
    )


def reload(*records):
    """Read the records again from their databases, not from the session."""
    db.session.expire_all()
    return [db.session.get(type(r), db.inspect(r).identity) for r in records]


def link_of_customer(number: int) -> int | None:
    return db.session.scalar(
        select(Customer.active_e_id).where(Customer.number == number)
    )


def link_of_account(account_id: int) -> int | None:
    return db.session.scalar(
        select(WebAccount.aim_customer_number).where(WebAccount.id == account_id)
    )


@pytest.fixture
def pair(make_account, make_customer, make_request, make_staff):
    """A web account, the AIM customer it asks for, its request and a clerk."""
    account = make_account()
    customer = make_customer()
    link_request = make_request(account, str(customer.number))
    staff = make_staff("aim_clerk", username="ann")
    return account, customer, link_request, staff


# The customer's request --------------------------------------------------------


def test_submit_files_a_pending_request_from_the_account(make_account):
    account = make_account(email="Pat@Example.com")

    link_request = linking.submit_link_request(
        account,
        details(
            " #573 ",
            first_name=" Pat ",
            postal_code="62704-1234 ",
            comment="  my rental  ",
        ),
    )

    [saved] = reload(link_request)
    assert saved.web_account_id == account.id
    assert saved.status == LinkStatus.PENDING
    assert saved.aim_number_typed == "573"
    assert saved.email == "Pat@Example.com"
    assert saved.first_name == "Pat"
    assert saved.phone == "(217) 555-0142"
    assert saved.postal_code == "62704-1234"
    assert saved.comment == "my rental"
    assert saved.claimed_customer_number is None
    assert linking.open_request_of(account) == saved


def test_a_second_submit_updates_the_open_request(make_account):
    account = make_account(email="old@example.com")
    first = linking.submit_link_request(account, details("573"))
    account.email = "new@example.com"
    db.session.commit()

    second = linking.submit_link_request(account, details("", city="Peoria"))

    assert second.id == first.id
    [saved] = requests_of(account)
    assert (saved.aim_number_typed, saved.city) == ("", "Peoria")
    assert saved.email == "new@example.com"
    assert saved.status == LinkStatus.PENDING


def test_a_submit_racing_another_updates_the_request_it_filed(
    make_account, monkeypatch
):
    account = make_account()
    first = linking.submit_link_request(account, details("573"))
    real = linking.open_request_of
    looks = []

    def not_there_yet(account):
        # The other submit's request is not there yet when this one first looks.
        looks.append(account)
        return None if len(looks) == 1 else real(account)

    monkeypatch.setattr(linking, "open_request_of", not_there_yet)

    second = linking.submit_link_request(account, details("574"))

    assert len(looks) == 2
    assert second.id == first.id
    [saved] = requests_of(account)
    assert saved.aim_number_typed == "574"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", ""),
        ("   ", ""),
        ("573", "573"),
        ("#573", "573"),
        ("123456789", "123456789"),
    ],
)
def test_the_aim_number_is_optional_digits(make_account, typed, stored):
    account = make_account()

    link_request = linking.submit_link_request(account, details(typed))

    assert reload(link_request)[0].aim_number_typed == stored


@pytest.mark.parametrize(
    "typed",
    [
        "57a",
        "5 73",
        "-573",
        "573.0",
        "1234567890",
        "²",
        "５７３",
        "٥٧٣",
        "573; drop table",
    ],
)
def test_a_bad_aim_number_is_refused_on_the_field(make_account, typed):
    account = make_account()
    earlier = linking.submit_link_request(account, details("201", city="Peoria"))

    with pytest.raises(ServiceError) as caught:
        linking.submit_link_request(account, details(typed, city="Joliet"))

    assert caught.value.field == "aim_number"
    assert "digits" in caught.value.message
    [saved] = requests_of(account)
    assert (saved.id, saved.aim_number_typed, saved.city) == (
        earlier.id,
        "201",
        "Peoria",
    )


def test_a_linked_account_cannot_submit(make_account):
    account = make_account(aim_customer_number=201)

    with pytest.raises(ServiceError) as caught:
        linking.submit_link_request(account, details())

    assert caught.value.message == "Your account is already linked."
    assert requests_of(account) == []


def test_a_request_being_linked_cannot_be_changed(pair):
    account, _customer, link_request, _staff = pair
    link_request.status = LinkStatus.LINKING
    db.session.commit()

    with pytest.raises(ServiceError) as caught:
        linking.submit_link_request(account, details("999", city="Joliet"))

    assert "Staff are linking your account" in caught.value.message
    [saved] = requests_of(account)
    assert (saved.status, saved.city) == (LinkStatus.LINKING, "Springfield")


def test_after_a_rejection_a_new_request_is_filed(pair):
    account, _customer, link_request, staff = pair
    linking.reject_request(link_request.id, "No such AIM account.", staff)

    new = linking.submit_link_request(account, details("574"))

    rejected, saved = requests_of(account)
    assert rejected.status == LinkStatus.REJECTED
    assert (saved.id, saved.status) == (new.id, LinkStatus.PENDING)


def test_the_database_refuses_a_second_open_request(pair, make_request):
    account = pair[0]

    with pytest.raises(IntegrityError):
        make_request(account, "574")
    db.session.rollback()

    assert len(requests_of(account)) == 1


@pytest.mark.parametrize(
    ("status", "label", "open_", "rejected"),
    [
        (None, "Not linked", False, False),
        (LinkStatus.PENDING, "Link request pending", True, False),
        (LinkStatus.LINKING, "Link request pending", True, False),
        (LinkStatus.REJECTED, "Not linked", False, True),
    ],
)
def test_account_link_status(
    make_account, make_request, status, label, open_, rejected
):
    account = make_account()
    if status is not None:
        make_request(account, status=status)

    link_status = linking.account_link_status(account)

    assert link_status.label == label
    assert link_status.linked is False
    assert (link_status.open_request is not None) is open_
    assert (link_status.rejected_request is not None) is rejected


def test_account_link_status_of_a_linked_account(make_account):
    account = make_account(aim_customer_number=573)

    link_status = linking.account_link_status(account)

    assert link_status.linked is True
    assert link_status.label == "Linked to AIM account #573"


# Saving the link -----------------------------------------------------------------


def test_link_accounts_links_both_databases_and_records_who(pair):
    account, customer, link_request, staff = pair

    result = linking.link_accounts(link_request.id, customer.number, staff)

    saved_request, saved_customer, saved_account = reload(
        link_request, customer, account
    )
    assert result.id == link_request.id
    assert saved_request.status == LinkStatus.LINKED
    assert saved_request.claimed_customer_number == customer.number
    assert saved_request.resolved_by == "ann"
    assert saved_request.resolved_at is not None
    assert saved_customer.active_e_id == account.id
    assert saved_customer.linked_at is not None
    assert saved_customer.version == 2
    assert saved_account.aim_customer_number == customer.number
    assert saved_account.linked_at is not None
    [entry] = audit_entries()
    assert entry.action == "web account linked"
    assert (entry.staff_id, entry.customer_number) == (staff.id, customer.number)
    assert entry.web_account_id == account.id
    assert linking.linked_customer_of(account) == saved_customer
    assert linking.open_requests().total == 0


def test_saving_a_saved_link_again_changes_nothing(pair, make_staff):
    account, customer, link_request, staff = pair
    linking.link_accounts(link_request.id, customer.number, staff)

    again = linking.link_accounts(link_request.id, customer.number, make_staff())

    assert again.status == LinkStatus.LINKED
    assert reload(link_request)[0].resolved_by == "ann"
    assert link_of_customer(customer.number) == account.id
    assert link_of_account(account.id) == customer.number
    assert len(audit_entries()) == 1


def _fail(*args, **kwargs):
    raise RuntimeError("the connection dropped")


@pytest.mark.parametrize("step", ["_link_in_aim", "audit", "_link_in_storefront"])
@pytest.mark.parametrize("finisher", ["ann", "bob"])
def test_an_interrupted_link_is_finished_by_saving_again(
    pair, make_staff, monkeypatch, step, finisher
):
    account, customer, link_request, staff = pair
    others = {"ann": staff, "bob": make_staff("aim_manager", username="bob")}
    if step == "audit":
        monkeypatch.setattr(audit, "record", _fail)
    else:
        monkeypatch.setattr(linking, step, _fail)

    with pytest.raises(RuntimeError):
        linking.link_accounts(link_request.id, customer.number, staff)
    db.session.rollback()  # as the end of the failed request does
    monkeypatch.undo()

    [stuck] = reload(link_request)
    assert stuck.status == LinkStatus.LINKING
    assert stuck.claimed_customer_number == customer.number
    assert link_of_account(account.id) is None
    done_in_aim = step == "_link_in_storefront"
    assert (link_of_customer(customer.number) == account.id) is done_in_aim
    assert len(audit_entries()) == int(done_in_aim)

    result = linking.link_accounts(link_request.id, customer.number, others[finisher])

    assert result.status == LinkStatus.LINKED
    assert result.resolved_by == finisher
    assert link_of_customer(customer.number) == account.id
    assert link_of_account(account.id) == customer.number
    assert len(audit_entries()) == 1
    linked = db.session.scalar(
        select(func.count())
        .select_from(Customer)
        .where(Customer.active_e_id.is_not(None))
    )
    assert linked == 1


def test_a_request_being_saved_cannot_be_taken_for_another_customer(
    pair, make_customer, make_staff, monkeypatch
):
    account, customer, link_request, staff = pair
    other = make_customer()
    monkeypatch.setattr(linking, "_link_in_aim", _fail)
    with pytest.raises(RuntimeError):
        linking.link_accounts(link_request.id, customer.number, staff)
    db.session.rollback()
    monkeypatch.undo()

    with pytest.raises(Conflict) as caught:
        linking.link_accounts(link_request.id, other.number, make_staff())

    assert caught.value.message == (
        f"ann is already saving this request with AIM #{customer.number}. "
        "Nothing was changed."
    )
    [saved] = reload(link_request)
    assert (saved.status, saved.claimed_customer_number, saved.claimed_by) == (
        LinkStatus.LINKING,
        customer.number,
        "ann",
    )
    assert link_of_customer(other.number) is None
    assert link_of_account(account.id) is None
    assert audit_entries() == []


def test_a_half_saved_request_cannot_be_moved_to_another_customer(
    pair, make_customer, make_staff, monkeypatch
):
    account, customer, link_request, staff = pair
    other = make_customer()
    monkeypatch.setattr(linking, "_link_in_storefront", _fail)
    with pytest.raises(RuntimeError):
        linking.link_accounts(link_request.id, customer.number, staff)
    monkeypatch.undo()

    with pytest.raises(Conflict) as caught:
        linking.link_accounts(link_request.id, other.number, make_staff())

    assert f"already linked to AIM #{customer.number}" in caught.value.message
    assert link_of_customer(other.number) is None
    assert reload(link_request)[0].claimed_customer_number == customer.number
    assert len(audit_entries()) == 1


def test_a_customer_linked_to_another_web_account_is_refused(
    pair, make_account, make_customer
):
    account, _customer, link_request, staff = pair
    someone = make_account()
    taken = make_customer(active_e_id=someone.id)

    with pytest.raises(Conflict) as caught:
        linking.link_accounts(link_request.id, taken.number, staff)

    assert caught.value.message == (
        f"AIM #{taken.number} {taken.full_name} is already linked to another web "
        f"account (Active-e ID {someone.id})."
    )
    [saved] = reload(link_request)
    assert (saved.status, saved.claimed_customer_number) == (LinkStatus.PENDING, None)
    assert link_of_customer(taken.number) == someone.id
    assert link_of_account(account.id) is None
    assert audit_entries() == []


def test_a_web_account_linked_to_another_customer_is_refused(pair, make_customer):
    account, customer, link_request, staff = pair
    earlier = make_customer(active_e_id=account.id)

    with pytest.raises(Conflict) as caught:
        linking.link_accounts(link_request.id, customer.number, staff)

    assert caught.value.message == (
        f"This web account is already linked to AIM #{earlier.number} "
        f"{earlier.full_name}."
    )
    assert reload(link_request)[0].status == LinkStatus.PENDING
    assert link_of_customer(customer.number) is None
    assert audit_entries() == []


def test_a_link_that_lands_first_in_aim_releases_the_request(
    pair, make_account, monkeypatch
):
    account, customer, link_request, staff = pair
    someone = make_account()
    # Another save links the customer after this one's checks, before its update.
    monkeypatch.setattr(linking, "_refuse_other_links", lambda customer, web_id: None)
    customer.active_e_id = someone.id
    db.session.commit()

    with pytest.raises(Conflict) as caught:
        linking.link_accounts(link_request.id, customer.number, staff)

    assert "was linked to another web account a moment ago" in caught.value.message
    [saved] = reload(link_request)
    assert (saved.status, saved.claimed_customer_number) == (LinkStatus.PENDING, None)
    assert link_of_customer(customer.number) == someone.id
    assert link_of_account(account.id) is None
    assert audit_entries() == []


def test_a_web_account_linked_first_elsewhere_releases_the_request(
    pair, make_customer, monkeypatch
):
    account, customer, link_request, staff = pair
    monkeypatch.setattr(linking, "_refuse_other_links", lambda customer, web_id: None)
    elsewhere = make_customer(active_e_id=account.id)

    with pytest.raises(Conflict) as caught:
        linking.link_accounts(link_request.id, customer.number, staff)

    assert "linked to another AIM customer a moment ago" in caught.value.message
    [saved] = reload(link_request)
    assert (saved.status, saved.claimed_customer_number) == (LinkStatus.PENDING, None)
    assert link_of_customer(customer.number) is None
    assert link_of_customer(elsewhere.number) == account.id
    assert audit_entries() == []


def test_two_saves_of_the_same_link_at_once_both_finish(pair, monkeypatch):
    """A double-click on Save: the second finds the AIM link already made."""
    if db.engines["aim"].dialect.name == "sqlite":
        pytest.skip("SQLite's BEGIN IMMEDIATE makes the two saves take turns")
    account, customer, link_request, staff = pair
    customers = Customer.__table__
    real_utcnow = linking.utcnow
    landed = []

    def the_other_save_lands_in_aim():
        if not landed:
            landed.append(True)
            with db.engines["aim"].begin() as conn:
                conn.execute(
                    update(customers)
                    .where(customers.c.number == customer.number)
                    .values(active_e_id=account.id, version=customers.c.version + 1)
                )
                conn.execute(
                    insert(AuditEntry.__table__).values(
                        action="web account linked", at=real_utcnow()
                    )
                )
        return real_utcnow()

    monkeypatch.setattr(linking, "utcnow", the_other_save_lands_in_aim)

    result = linking.link_accounts(link_request.id, customer.number, staff)

    assert landed
    assert result.status == LinkStatus.LINKED
    assert link_of_customer(customer.number) == account.id
    assert link_of_account(account.id) == customer.number
    assert len(audit_entries()) == 1


@pytest.mark.parametrize("resolution", ["linked", "rejected"])
def test_a_request_resolved_by_someone_else_is_refused(
    pair, make_customer, make_staff, resolution
):
    account, customer, link_request, staff = pair
    other = make_customer()
    if resolution == "linked":
        linking.link_accounts(link_request.id, customer.number, staff)
        expected = (
            f"This request was already resolved by ann: the web account is linked "
            f"to AIM #{customer.number}."
        )
    else:
        linking.reject_request(link_request.id, "Not our customer.", staff)
        expected = "This request was already rejected by ann."
    entries = len(audit_entries())

    with pytest.raises(Conflict) as caught:
        linking.link_accounts(link_request.id, other.number, make_staff())

    assert caught.value.message == expected
    assert reload(link_request)[0].status == resolution
    assert link_of_customer(other.number) is None
    assert len(audit_entries()) == entries


def test_saving_an_unknown_request_or_customer_is_not_found(pair):
    _account, customer, link_request, staff = pair

    with pytest.raises(NotFound):
        linking.link_accounts(link_request.id + 1, customer.number, staff)
    with pytest.raises(NotFound):
        linking.link_accounts(link_request.id, 999, staff)

    [saved] = reload(link_request)
    assert (saved.status, saved.claimed_customer_number) == (LinkStatus.PENDING, None)


def test_the_aim_database_refuses_a_second_customer_on_one_web_account(
    make_customer,
):
    make_customer(active_e_id=7)

    with pytest.raises(IntegrityError):
        make_customer(active_e_id=7)
    db.session.rollback()

    count = select(func.count()).select_from(Customer).where(Customer.active_e_id == 7)
    assert db.session.scalar(count) == 1


def test_the_storefront_database_refuses_a_second_web_account_on_one_customer(
    make_account,
):
    make_account(aim_customer_number=573)

    with pytest.raises(IntegrityError):
        make_account(aim_customer_number=573)
    db.session.rollback()

    count = (
        select(func.count())
        .select_from(WebAccount)
        .where(WebAccount.aim_customer_number == 573)
    )
    assert db.session.scalar(count) == 1


# Rejecting ----------------------------------------------------------------------


def test_reject_request_closes_it_with_the_reason(pair):
    account, _customer, link_request, staff = pair

    result = linking.reject_request(
        link_request.id, "  No account  with that number. ", staff
    )

    [saved] = reload(link_request)
    assert result.id == saved.id
    assert saved.status == LinkStatus.REJECTED
    assert saved.reject_reason == "No account with that number."
    assert (saved.resolved_by, saved.resolved_at is not None) == ("ann", True)
    [entry] = audit_entries()
    assert (entry.action, entry.staff_id) == ("link request rejected", staff.id)
    assert entry.web_account_id == account.id
    assert entry.details == f"request {link_request.id}: No account with that number."
    assert linking.account_link_status(account).rejected_request == saved
    assert linking.open_requests().total == 0


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Tell the customer why, in a few words."),
        ("   ", "Tell the customer why, in a few words."),
        (None, "Tell the customer why, in a few words."),
        ("x" * 301, "Keep the reason under 300 characters."),
    ],
)
def test_reject_request_needs_a_short_reason(pair, reason, message):
    _account, _customer, link_request, staff = pair

    with pytest.raises(ServiceError) as caught:
        linking.reject_request(link_request.id, reason, staff)

    assert (caught.value.message, caught.value.field) == (message, "reason")
    [saved] = reload(link_request)
    assert (saved.status, saved.reject_reason) == (LinkStatus.PENDING, "")
    assert audit_entries() == []


def test_a_reason_of_300_characters_is_enough(pair):
    _account, _customer, link_request, staff = pair

    linking.reject_request(link_request.id, "x" * 300, staff)

    assert reload(link_request)[0].reject_reason == "x" * 300


def test_a_request_being_saved_cannot_be_rejected(pair, monkeypatch):
    account, customer, link_request, staff = pair
    monkeypatch.setattr(linking, "_link_in_aim", _fail)
    with pytest.raises(RuntimeError):
        linking.link_accounts(link_request.id, customer.number, staff)
    db.session.rollback()
    monkeypatch.undo()

    with pytest.raises(Conflict) as caught:
        linking.reject_request(link_request.id, "Changed my mind.", staff)

    assert (
        caught.value.message == "ann is saving this request; it cannot be rejected now."
    )
    [saved] = reload(link_request)
    assert (saved.status, saved.reject_reason) == (LinkStatus.LINKING, "")
    assert audit_entries() == []


@pytest.mark.parametrize("resolution", ["linked", "rejected"])
def test_a_resolved_request_cannot_be_rejected(pair, make_staff, resolution):
    _account, customer, link_request, staff = pair
    if resolution == "linked":
        linking.link_accounts(link_request.id, customer.number, staff)
    else:
        linking.reject_request(link_request.id, "First reason.", staff)

    with pytest.raises(Conflict):
        linking.reject_request(link_request.id, "Second reason.", make_staff())

    [saved] = reload(link_request)
    assert saved.status == resolution
    assert saved.reject_reason == ("First reason." if resolution == "rejected" else "")
    assert len(audit_entries()) == 1


def test_a_failed_rejection_leaves_the_request_open(pair, monkeypatch):
    _account, _customer, link_request, staff = pair
    monkeypatch.setattr(audit, "record", _fail)

    with pytest.raises(RuntimeError):
        linking.reject_request(link_request.id, "Not our customer.", staff)
    db.session.rollback()

    [saved] = reload(link_request)
    assert (saved.status, saved.reject_reason) == (LinkStatus.PENDING, "")
    assert audit_entries() == []


def test_rejecting_an_unknown_request_is_not_found(make_staff):
    with pytest.raises(NotFound):
        linking.reject_request(12345, "No such request.", make_staff())


# Unlinking ----------------------------------------------------------------------


@pytest.fixture
def linked(pair):
    account, customer, link_request, staff = pair
    linking.link_accounts(link_request.id, customer.number, staff)
    return account, customer, link_request, staff


def test_unlink_customer_clears_both_sides(linked, make_staff):
    account, customer, _link_request, _staff = linked
    manager = make_staff("aim_manager")

    web_id = linking.unlink_customer(customer.number, manager)

    assert web_id == account.id
    saved_customer, saved_account = reload(customer, account)
    assert (saved_customer.active_e_id, saved_customer.linked_at) == (None, None)
    assert saved_customer.version == 3
    assert (saved_account.aim_customer_number, saved_account.linked_at) == (None, None)
    [entry] = audit_entries("web account unlinked")
    assert (entry.staff_id, entry.customer_number) == (manager.id, customer.number)
    assert entry.web_account_id == account.id


def test_unlink_customer_again_changes_nothing(linked, make_staff):
    account, customer, _link_request, _staff = linked
    manager = make_staff("aim_manager")
    linking.unlink_customer(customer.number, manager)

    assert linking.unlink_customer(customer.number, manager) is None

    assert link_of_customer(customer.number) is None
    assert link_of_account(account.id) is None
    assert len(audit_entries("web account unlinked")) == 1


def test_an_interrupted_unlink_is_finished_by_running_again(
    linked, make_staff, monkeypatch
):
    account, customer, _link_request, _staff = linked
    manager = make_staff("aim_manager")
    real_update = linking.update

    def storefront_goes_away(table):
        if table is WebAccount.__table__:
            raise RuntimeError("the storefront database went away")
        return real_update(table)

    monkeypatch.setattr(linking, "update", storefront_goes_away)
    with pytest.raises(RuntimeError):
        linking.unlink_customer(customer.number, manager)
    db.session.rollback()
    monkeypatch.undo()
    assert link_of_customer(customer.number) is None
    assert link_of_account(account.id) == customer.number

    assert linking.unlink_customer(customer.number, manager) is None

    assert link_of_account(account.id) is None
    assert len(audit_entries("web account unlinked")) == 1


def test_a_customer_can_be_linked_to_a_new_account_after_an_interrupted_unlink(
    linked, make_account, make_request, make_staff, monkeypatch
):
    account, customer, _link_request, staff = linked
    real_update = linking.update
    monkeypatch.setattr(
        linking,
        "update",
        lambda table: _fail() if table is WebAccount.__table__ else real_update(table),
    )
    with pytest.raises(RuntimeError):
        linking.unlink_customer(customer.number, make_staff("aim_manager"))
    db.session.rollback()
    monkeypatch.undo()
    newcomer = make_account()
    link_request = make_request(newcomer, str(customer.number))

    linking.link_accounts(link_request.id, customer.number, staff)

    assert link_of_customer(customer.number) == newcomer.id
    assert link_of_account(newcomer.id) == customer.number
    assert link_of_account(account.id) is None


def test_unlinking_an_unlinked_customer_writes_nothing(make_customer, make_staff):
    customer = make_customer()

    assert linking.unlink_customer(customer.number, make_staff("aim_manager")) is None

    assert reload(customer)[0].version == 1
    assert audit_entries() == []


def test_unlinking_an_unknown_customer_is_not_found(make_staff):
    with pytest.raises(NotFound):
        linking.unlink_customer(999, make_staff("aim_manager"))


# The Customer Online Account Relation screen ------------------------------------


def test_open_requests_are_oldest_first_and_only_open(make_account, make_request):
    now = datetime.now(UTC)
    ages = {"pending": 1, "linking": 3, "linked": 5, "rejected": 4}
    made = {
        status: make_request(
            make_account(), status=status, submitted_at=now - timedelta(days=days)
        )
        for status, days in ages.items()
    }
    newest = make_request(make_account(), submitted_at=now)

    page = linking.open_requests()

    assert [r.id for r in page.items] == [
        made["linking"].id,
        made["pending"].id,
        newest.id,
    ]
    assert [r.id for r in linking.open_requests(page=2, per_page=2).items] == [
        newest.id
    ]


def test_relation_screen_without_a_selection_lists_the_requests(pair):
    screen = linking.relation_screen(1, None, None, None)

    assert [r.id for r in screen.requests.items] == [pair[2].id]
    assert screen.selected is None
    assert (screen.customer, screen.suggestions, screen.matches) == (None, None, None)


def test_relation_screen_suggests_customers_for_the_selected_request(
    make_account, make_customer, make_request
):
    account = make_account(first_name="Pat", last_name="Rivera", email="pat@r.test")
    likely = make_customer(first_name="Patricia", last_name="Rivera")
    typed = make_customer(first_name="Pat", last_name="Rivera", email="pat@r.test")
    make_customer(first_name="Zed", last_name="Quinn")
    link_request = make_request(account, str(typed.number))

    screen = linking.relation_screen(1, link_request.id, None, None)

    assert screen.selected.id == link_request.id
    assert [s.customer.number for s in screen.suggestions] == [
        typed.number,
        likely.number,
    ]
    assert (screen.customer, screen.changes, screen.matches) == (None, None, None)


def test_relation_screen_finds_customers(pair, make_customer):
    _account, customer, link_request, _staff = pair
    make_customer(first_name="Zed", last_name="Quinn")

    screen = linking.relation_screen(1, link_request.id, None, customer.last_name)

    assert [c.number for c in screen.matches.items] == [customer.number]
    assert screen.suggestions is None


def test_relation_screen_find_with_an_empty_box_lists_every_customer(
    pair, make_customer
):
    _account, customer, link_request, _staff = pair
    other = make_customer()

    screen = linking.relation_screen(1, link_request.id, None, "")

    assert {c.number for c in screen.matches.items} == {customer.number, other.number}
    assert screen.suggestions is None


def test_relation_screen_shows_the_chosen_customer_and_changes(pair):
    _account, customer, link_request, _staff = pair

    screen = linking.relation_screen(1, link_request.id, customer.number, None)

    assert screen.customer == customer
    assert {c["field"] for c in screen.changes} >= {"first_name", "last_name"}
    assert screen.suggestions is None


def test_relation_screen_suggests_nothing_for_a_resolved_request(pair):
    _account, customer, link_request, staff = pair
    linking.link_accounts(link_request.id, customer.number, staff)

    screen = linking.relation_screen(1, link_request.id, None, None)

    assert screen.selected.status == LinkStatus.LINKED
    assert screen.suggestions is None
    assert screen.requests.total == 0


@pytest.mark.parametrize("which", ["request", "customer"])
def test_relation_screen_of_unknown_records_is_not_found(pair, which):
    _account, customer, link_request, _staff = pair
    request_id = link_request.id + (1 if which == "request" else 0)
    number = customer.number + (1 if which == "customer" else 0)

    with pytest.raises(NotFound):
        linking.relation_screen(1, request_id, number, None)


def test_web_changes_lists_only_what_the_website_would_change(
    make_account, make_customer, make_request
):
    account = make_account()
    customer = make_customer(
        first_name="Pat",
        last_name="Rivera",
        email="pat@old.test",
        phone="(217) 555-0142",
        address="9 Elm St",
        city="",
    )
    link_request = make_request(
        account,
        first_name="Pat",
        last_name="Rivera-Diaz",
        email="pat@new.test",
        phone="(217) 555-0142",
        address="",
        city="Peoria",
    )

    changes = linking.web_changes(link_request, customer)

    by_field = {change["field"]: change for change in changes}
    assert set(by_field) == {"last_name", "email", "city", "postal_code"}
    assert by_field["last_name"] == {
        "field": "last_name",
        "label": "Last name",
        "aim": "Rivera",
        "web": "Rivera-Diaz",
    }
    assert by_field["city"]["aim"] == ""


# Update Customer ------------------------------------------------------------------


def test_copy_web_details_updates_the_customer_and_records_it(pair):
    account, customer, link_request, staff = pair
    old_first, old_last = customer.first_name, customer.last_name

    copied = linking.copy_web_details(
        link_request.id, customer.number, 1, staff, same_person_checked=True
    )

    assert copied[:2] == ["First name", "Last name"]
    [saved] = reload(customer)
    assert (saved.first_name, saved.last_name) == (
        account.first_name,
        account.last_name,
    )
    assert saved.search_last == account.last_name.casefold()
    assert (saved.email, saved.email_key) == (account.email, account.email.casefold())
    assert saved.version == 2
    [entry] = audit_entries()
    assert entry.action == "customer updated from web"
    assert entry.details.startswith(
        f"First name was {old_first}; Last name was {old_last}; "
    )
    assert (entry.customer_number, entry.web_account_id) == (
        customer.number,
        account.id,
    )
    assert linking.web_changes(reload(link_request)[0], saved) == []


def test_copy_web_details_with_nothing_new_writes_nothing(pair):
    _account, customer, link_request, staff = pair
    linking.copy_web_details(link_request.id, customer.number, 1, staff, True)

    assert linking.copy_web_details(link_request.id, customer.number, 2, staff) == []

    assert reload(customer)[0].version == 2
    assert len(audit_entries()) == 1


def test_copy_web_details_refuses_a_stale_version(pair, make_staff):
    _account, customer, link_request, staff = pair
    before = (customer.first_name, customer.last_name, customer.email)
    customer.city = "Edited meanwhile"
    db.session.commit()

    with pytest.raises(Conflict) as caught:
        linking.copy_web_details(link_request.id, customer.number, 1, staff)

    assert caught.value.message == STALE
    [saved] = reload(customer)
    assert (saved.first_name, saved.last_name, saved.email) == before
    assert (saved.city, saved.version) == ("Edited meanwhile", 2)
    assert audit_entries() == []


def test_copy_web_details_of_a_resolved_request_is_refused(pair, make_customer):
    _account, customer, link_request, staff = pair
    other = make_customer()
    linking.link_accounts(link_request.id, customer.number, staff)

    with pytest.raises(Conflict):
        linking.copy_web_details(link_request.id, other.number, 1, staff)

    assert reload(other)[0].version == 1
    assert len(audit_entries()) == 1


def test_accents_case_and_phone_punctuation_are_no_change(
    make_account, make_customer, make_request
):
    customer = make_customer(
        first_name="María", last_name="González", phone="(217) 555-0573"
    )
    account = make_account(first_name="Maria", last_name="GONZALEZ")
    link_request = make_request(account, phone="217-555-0573", city="Peoria")

    changes = linking.web_changes(link_request, customer)

    fields = {change["field"] for change in changes}
    assert fields == {"email", "address", "city", "postal_code"}
    assert not linking.names_differ(link_request, customer)


def test_a_different_person_is_flagged(make_account, make_customer, make_request):
    customer = make_customer(first_name="Patricia", last_name="Hill")
    link_request = make_request(make_account(first_name="Sam", last_name="Ortiz"))

    assert linking.names_differ(link_request, customer)


@pytest.mark.parametrize("typed", ["12", "200", "0"])
def test_numbers_below_201_are_refused_as_no_aim_number(make_account, typed):
    with pytest.raises(ServiceError) as raised:
        linking.submit_link_request(
            make_account(),
            linking.RequestDetails(aim_number=typed, first_name="A", last_name="B"),
        )

    assert raised.value.field == "aim_number"
    assert "start at 201" in raised.value.message


def test_copy_web_details_onto_another_name_needs_the_same_person_tick(pair):
    _account, customer, link_request, staff = pair

    with pytest.raises(ServiceError) as raised:
        linking.copy_web_details(link_request.id, customer.number, 1, staff)

    assert raised.value.field == "same_person"
    assert reload(customer)[0].version == 1
    assert audit_entries() == []
