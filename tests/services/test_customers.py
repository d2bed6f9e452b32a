import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import AuditEntry, Customer
from app.services import audit, customers
from app.services.customers import CustomerDetails
from app.services.errors import Conflict, NotFound, ServiceError


def audit_entries() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def stored(number: int) -> Customer:
    db.session.expire_all()
    return db.session.get(Customer, number)


def found(text: str, **paging) -> list[int]:
    return [c.number for c in customers.search_customers(text, **paging).items]


def test_customer_numbers_start_at_201(make_staff):
    staff = make_staff()

    first = customers.create_customer(CustomerDetails("Ann", "Lee"), staff)
    second = customers.create_customer(CustomerDetails("Bob", "Lee"), staff)

    assert (first.number, second.number) == (201, 202)


def test_create_customer_cleans_details_and_records_who(make_staff):
    staff = make_staff()

    customer = customers.create_customer(
        CustomerDetails(
            first_name=" José ",
            last_name="  García  López ",
            phone="2175550199",
            email=" Jose@Example.COM ",
            postal_code="k1a 0b1",
            email_statements=1,
        ),
        staff,
        active_e_id=7,
    )

    saved = stored(customer.number)
    assert saved.full_name == "José García López"
    assert (saved.search_first, saved.search_last) == ("jose", "garcia lopez")
    assert saved.phone == "(217) 555-0199"
    assert saved.phone_digits == "2175550199"
    assert saved.email == "Jose@example.com"
    assert saved.email_key == "jose@example.com"
    assert saved.postal_code == "K1A 0B1"
    assert saved.email_statements is True
    assert saved.active_e_id == 7
    assert saved.linked_at is not None
    [entry] = audit_entries()
    assert (entry.action, entry.staff_id) == ("customer added", staff.id)
    assert (entry.customer_number, entry.web_account_id) == (201, 7)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"last_name": ""}, "last_name"),
        ({"last_name": "   "}, "last_name"),
        ({"phone": "call me"}, "phone"),
        ({"mobile": "12"}, "mobile"),
        ({"email": "not an email"}, "email"),
    ],
)
def test_create_customer_refuses_bad_input_on_its_field(make_staff, values, field):
    staff = make_staff()
    fields = {"first_name": "Ann", "last_name": "Lee", **values}

    with pytest.raises(ServiceError) as caught:
        customers.create_customer(CustomerDetails(**fields), staff)

    assert caught.value.field == field
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0
    assert audit_entries() == []


def test_get_customer_of_an_unknown_number_is_not_found(app):
    with pytest.raises(NotFound):
        customers.get_customer(999)


@pytest.fixture
def shop(make_customer):
    """A few customers with awkward names, numbered 201 up."""
    return [
        make_customer(
            first_name="Luis",
            last_name="González",
            phone="(217) 555-0199",
            email="luis.g@example.com",
        ),
        make_customer(first_name="Ana", last_name="Gonzaga", phone="(312) 555-0142"),
        make_customer(first_name="Zoë", last_name="SMITH", email="zoe@music.test"),
        make_customer(first_name="Under_Score", last_name="Percent%Sign"),
        make_customer(first_name="Ana", last_name="Lee", phone="(217) 555-0150"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("201", [201]),
        ("#203", [203]),
        ("9999", []),
        ("gonz", [202, 201]),
        ("gonzalez", [201]),
        ("GONZÁLEZ", [201]),
        ("González", [201]),
        ("luis gonz", [201]),
        ("gonzalez, luis", [201]),
        ("ana", [202, 205]),
        ("zoe", [203]),
        ("smith", [203]),
        ("Smi", [203]),
        ("(217) 555-0199", [201]),
        ("217-555-0199", [201]),
        ("+1 217 555 0199", [201]),
        ("217 555 01", [201, 205]),
        ("555-0199", [201]),
        ("5550142", [202]),
        ("555-01", [202, 201, 205]),
        ("LUIS.G@", [201]),
        ("zoe@music.test", [203]),
        ("nobody@example.com", []),
        ("", [202, 201, 205, 204, 203]),
        ("   ", [202, 201, 205, 204, 203]),
    ],
)
def test_search_customers_by_number_name_phone_and_email(shop, text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("%", []),
        ("_", []),
        ("a%", []),
        ("g_nz", []),
        ("%@", []),
        ("_@example.com", []),
        ("percent%", [204]),
        ("under_", [204]),
    ],
)
def test_search_wildcards_are_literal(shop, text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\uff12\uff10\uff11", [201]),
        ("²", []),
        ("#³³", []),
        ("9" * 25, []),
        ("#" + "9" * 25, []),
    ],
)
def test_search_customers_for_odd_numbers(shop, text, expected):
    assert found(text) == expected


def test_search_customers_pages(make_customer):
    for n in range(25):
        make_customer(first_name="Pat", last_name=f"Page{n:02d}")

    pages = [customers.search_customers("pat", page=p, per_page=10) for p in (1, 3, 4)]

    assert [len(page.items) for page in pages] == [10, 5, 0]
    assert pages[0].total == 25
    assert pages[0].items[0].last_name == "Page00"
    assert pages[1].items[-1].last_name == "Page24"


def edit(customer: Customer, **values) -> CustomerDetails:
    details = customers.details_of(customer)
    for name, value in values.items():
        setattr(details, name, value)
    return details


def test_update_customer_saves_and_records_the_changed_fields(
    make_customer, make_staff
):
    customer = make_customer(last_name="Lee", phone="(217) 555-0100")
    staff = make_staff()

    changed = customers.update_customer(
        customer.number,
        edit(customer, last_name="Lee-Ortiz", phone="217 555 0111"),
        1,
        staff,
    )

    assert changed == ["last_name", "phone"]
    saved = stored(customer.number)
    assert (saved.last_name, saved.search_last) == ("Lee-Ortiz", "lee-ortiz")
    assert (saved.phone, saved.phone_digits) == ("(217) 555-0111", "2175550111")
    assert saved.version == 2
    [entry] = audit_entries()
    assert entry.action == "customer edited"
    assert entry.details == "changed Last name, Phone"
    assert (entry.customer_number, entry.staff_id) == (customer.number, staff.id)
    assert customers.recent_audit(customer.number) == [entry]


def test_update_customer_without_changes_writes_nothing(make_customer, make_staff):
    customer = make_customer()
    before = customer.updated_at

    changed = customers.update_customer(
        customer.number, customers.details_of(customer), 1, make_staff()
    )

    assert changed == []
    saved = stored(customer.number)
    assert saved.version == 1
    assert saved.updated_at == before
    assert audit_entries() == []


def test_update_customer_refuses_a_stale_version(make_customer, make_staff):
    customer = make_customer(last_name="Lee")
    staff = make_staff()
    customers.update_customer(
        customer.number, edit(customer, first_name="Ann"), 1, staff
    )

    with pytest.raises(Conflict) as caught:
        customers.update_customer(
            customer.number, edit(customer, last_name="Overwritten"), 1, staff
        )

    assert caught.value.message == customers.STALE
    saved = stored(customer.number)
    assert (saved.first_name, saved.last_name, saved.version) == ("Ann", "Lee", 2)
    assert len(audit_entries()) == 1


def test_update_customer_refuses_a_save_that_lands_during_its_own(
    make_customer, make_staff, monkeypatch
):
    customer = make_customer(last_name="Lee")
    staff = make_staff()
    db.session.refresh(staff)  # loaded, as the signed-in user of a request is
    record = audit.record

    def someone_else_saves_first(*args, **kwargs):
        # Written on the same connection: SQLite would make a second one wait.
        table = Customer.__table__
        db.session.connection(bind_arguments={"bind": db.engines["aim"]}).execute(
            update(table).where(table.c.number == customer.number).values(version=2)
        )
        return record(*args, **kwargs)

    monkeypatch.setattr(audit, "record", someone_else_saves_first)

    with pytest.raises(Conflict) as caught:
        customers.update_customer(
            customer.number, edit(customer, last_name="Overwritten"), 1, staff
        )

    assert caught.value.message == customers.STALE
    saved = stored(customer.number)
    assert (saved.last_name, saved.version) == ("Lee", 1)
    assert audit_entries() == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"last_name": ""}, "last_name"),
        ({"phone": "nonsense"}, "phone"),
        ({"mobile": "12"}, "mobile"),
        ({"email": "pat@"}, "email"),
    ],
)
def test_update_customer_refuses_bad_input_on_its_field(
    make_customer, make_staff, values, field
):
    customer = make_customer(last_name="Lee")

    with pytest.raises(ServiceError) as caught:
        customers.update_customer(
            customer.number, edit(customer, **values), 1, make_staff()
        )

    assert caught.value.field == field
    saved = stored(customer.number)
    assert (saved.last_name, saved.version) == ("Lee", 1)
    assert audit_entries() == []


def test_update_customer_of_an_unknown_number_is_not_found(make_staff):
    with pytest.raises(NotFound):
        customers.update_customer(999, CustomerDetails("Ann", "Lee"), 1, make_staff())


def test_recent_audit_is_newest_first_and_per_customer(make_customer, make_staff):
    staff = make_staff()
    mine, other = make_customer(), make_customer()
    for city in ("Peoria", "Joliet"):
        customers.update_customer(
            mine.number, edit(mine, city=city), mine.version, staff
        )
    customers.update_customer(other.number, edit(other, city="Urbana"), 1, staff)

    entries = customers.recent_audit(mine.number, limit=5)

    assert [e.customer_number for e in entries] == [mine.number, mine.number]
    assert entries[0].id > entries[1].id
    assert len(customers.recent_audit(mine.number, limit=1)) == 1


def test_a_thousand_word_search_is_cut_short_not_a_database_load(shop):
    from app.services.customers import search_query

    sql = str(search_query("gonz " + "a " * 1000))

    assert sql.count("LIKE") <= 5 * 3
    assert found("gonz " + "a " * 1000) == [202]


def test_an_audit_entry_is_logged_once_saved_and_never_if_rolled_back(
    make_staff, caplog
):
    staff = make_staff(username="logger")
    caplog.set_level("INFO", logger="app.services.audit")

    audit.record(staff, "customer edited", customer_number=201, details="undone")
    db.session.rollback()
    audit.record(staff, "customer edited", customer_number=202, details="kept")
    db.session.commit()

    lines = [r.getMessage() for r in caplog.records if r.name == "app.services.audit"]
    assert lines == ["customer edited: customer 202, web account None, by logger. kept"]
