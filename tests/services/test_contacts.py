import pytest

from app.services import contacts
from app.services.errors import NotFound


def found(text: str, sort: str = "name", **paging) -> list[str]:
    page = contacts.search_contacts(text, sort=sort, **paging)
    return [account.last_name for account in page.items]


@pytest.fixture
def people(make_account):
    """Web accounts 1 to 4, made in an order unlike their names and emails."""
    return [
        make_account(
            first_name="Zoë",
            last_name="Brontë",
            email="zoe@example.com",
            email_key="zoe@example.com",
            search_name="zoe bronte",
        ),
        make_account(
            first_name="Ann",
            last_name="Mary Lee",
            email="Annie@Music.test",
            email_key="annie@music.test",
        ),
        make_account(
            first_name="Bob",
            last_name="Carter",
            email="bob_c@example.com",
            email_key="bob_c@example.com",
        ),
        make_account(
            first_name="Cy",
            last_name="100%",
            email="a.cy@example.com",
            email_key="a.cy@example.com",
        ),
    ]


def test_search_contacts_by_active_e_id(people):
    assert found(str(people[2].id)) == ["Carter"]
    assert found(f" {people[0].id} ") == ["Brontë"]
    assert found("999999") == []


@pytest.mark.parametrize("text", ["9" * 10, "9" * 25, "²", "³³", "0"])
def test_search_contacts_for_odd_numbers_finds_nothing(people, text):
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zoe", ["Brontë"]),
        ("ZOË", ["Brontë"]),
        ("bronte", ["Brontë"]),
        ("zo bron", ["Brontë"]),
        ("lee", ["Mary Lee"]),
        ("mary", ["Mary Lee"]),
        ("car", ["Carter"]),
        ("arter", []),
        ("annie", ["Mary Lee"]),
        ("nobody", []),
    ],
)
def test_search_contacts_by_name_or_email_start(people, text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zoe@example.com", ["Brontë"]),
        ("ANNIE@music", ["Mary Lee"]),
        ("bob_c@", ["Carter"]),
        ("@example.com", []),
        ("nobody@example.com", []),
    ],
)
def test_search_contacts_by_email(people, text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("%", []),
        ("_", []),
        ("%@", []),
        ("b_b", []),
        ("bob%", []),
        ("100%", ["100%"]),
        ("bob_", ["Carter"]),
    ],
)
def test_search_contacts_wildcards_are_literal(people, text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Mary Lee", "Carter", "100%", "Brontë"]),
        ("email", ["100%", "Mary Lee", "Carter", "Brontë"]),
        ("id", ["Brontë", "Mary Lee", "Carter", "100%"]),
        ("newest", ["100%", "Carter", "Mary Lee", "Brontë"]),
        ("nonsense", ["Mary Lee", "Carter", "100%", "Brontë"]),
        ("password_hash", ["Mary Lee", "Carter", "100%", "Brontë"]),
        ("", ["Mary Lee", "Carter", "100%", "Brontë"]),
    ],
)
def test_search_contacts_sorts_and_falls_back_to_name(people, sort, expected):
    assert found("", sort=sort) == expected


def test_search_contacts_pages(make_account):
    for n in range(23):
        make_account(first_name="Pat", last_name=f"Page{n:02d}")

    pages = [contacts.search_contacts("pat", page=p, per_page=10) for p in (1, 3, 9)]

    assert [len(page.items) for page in pages] == [10, 3, 0]
    assert pages[0].total == 23
    assert pages[0].items[0].last_name == "Page00"
    assert pages[1].items[-1].last_name == "Page22"


def test_get_contact(people):
    assert contacts.get_contact(people[1].id) == people[1]

    with pytest.raises(NotFound):
        contacts.get_contact(people[-1].id + 1)
