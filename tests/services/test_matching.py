import pytest

from app.services.matching import suggest_customers


def suggested(**wanted) -> list[int]:
    wanted.setdefault("first_name", "")
    wanted.setdefault("last_name", "")
    return [s.customer.number for s in suggest_customers(**wanted)]


def test_an_email_match_ranks_above_a_namesake(make_customer):
    namesake = make_customer(first_name="John", last_name="Smith", email="js@a.test")
    same_email = make_customer(first_name="J", last_name="Smith", email="john@b.test")

    suggestions = suggest_customers(
        first_name="John", last_name="Smith", email="JOHN@b.test"
    )

    assert [s.customer for s in suggestions] == [same_email, namesake]
    assert "same email" in suggestions[0].reasons
    assert "same email" not in suggestions[1].reasons
    assert suggestions[0].score > suggestions[1].score


def test_a_phone_match_ranks_above_a_namesake(make_customer):
    namesake = make_customer(first_name="John", last_name="Smith", phone="3125550101")
    same_phone = make_customer(first_name="Jo", last_name="Smith", phone="2175550199")

    suggestions = suggest_customers(
        first_name="John", last_name="Smith", phone="+1 (217) 555-0199"
    )

    assert [s.customer for s in suggestions] == [same_phone, namesake]
    assert "same phone" in suggestions[0].reasons


@pytest.mark.parametrize(
    ("first", "last"),
    [("Jon", "Smith"), ("John", "Smiht"), ("Jhon", "Smithe"), ("JOHN", "smith")],
)
def test_a_misspelled_name_still_finds_the_customer(make_customer, first, last):
    customer = make_customer(first_name="John", last_name="Smith", phone="3125550101")

    assert suggested(first_name=first, last_name=last) == [customer.number]


def test_a_misspelled_last_name_is_found_through_the_phone(make_customer):
    customer = make_customer(first_name="John", last_name="Smyth", phone="2175550199")
    make_customer(first_name="Mary", last_name="Jones", phone="3125550101")

    assert suggested(first_name="Jon", last_name="Smith", phone="217-555-0199") == [
        customer.number
    ]


def test_accents_and_case_do_not_matter(make_customer):
    customer = make_customer(first_name="José", last_name="González")

    [suggestion] = suggest_customers(first_name="JOSE", last_name="gonzalez")

    assert suggestion.customer == customer
    assert suggestion.score == 50
    assert suggestion.reasons == ["name 100% alike"]


def test_the_typed_number_is_a_candidate_and_a_reason(make_customer):
    make_customer(first_name="Ann", last_name="Lee")
    customer = make_customer(first_name="Pat", last_name="Leeds", phone="3125550101")

    suggestions = suggest_customers(
        first_name="Pat", last_name="Leeds", typed_number=str(customer.number)
    )

    assert suggestions[0].customer == customer
    assert "the number the customer typed" in suggestions[0].reasons


def test_strangers_are_not_suggested(make_customer):
    make_customer(first_name="Mary", last_name="Smithers", phone="3125550101")
    make_customer(first_name="Zed", last_name="Quinn", email="zed@example.com")

    assert suggested(first_name="John", last_name="Smith") == []
    assert suggested(first_name="John", last_name="Quinn") == []


@pytest.mark.parametrize(
    "wanted",
    [
        {},
        {"phone": "555-01"},
        {"typed_number": "abc"},
        {"typed_number": "²"},
        {"typed_number": "9" * 25},
        {"typed_number": ""},
    ],
)
def test_nothing_to_go_on_suggests_nobody(make_customer, wanted):
    make_customer(first_name="Pat", last_name="Smith", phone="5550100")

    assert suggested(**wanted) == []


def test_the_best_five_come_first(make_customer):
    for n in range(8):
        make_customer(first_name="Pat", last_name=f"Smith{n}", phone=f"312555010{n}")
    exact = make_customer(first_name="Pat", last_name="Smith", phone="2175550199")

    suggestions = suggest_customers(
        first_name="Pat", last_name="Smith", phone="2175550199"
    )

    assert len(suggestions) == 5
    assert suggestions[0].customer == exact
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 100 for score in scores)
