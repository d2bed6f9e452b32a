"""Cards as a form can check them, and the test-mode gateway's answers."""

from datetime import date

import pytest

from app.services import payments
from app.services.errors import ServiceError
from app.services.payments import CardDetails

TODAY = date(2026, 12, 4)


def card(number="4242 4242 4242 4242", expiry="12/30", cvc="123"):
    return payments.read_card(CardDetails(number, expiry, cvc), today=TODAY)


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4242424242424242", "Visa"),
        ("4242-4242-4242-4242", "Visa"),
        ("5555 5555 5555 4444", "Mastercard"),
        ("2223003122003222", "Mastercard"),
        ("6011111111111117", "Discover"),
    ],
)
def test_read_card_knows_the_brand(number, brand):
    read = card(number)

    assert read.brand == brand
    assert read.summary == f"{brand} ending {read.number[-4:]}"


def test_american_express_has_a_four_digit_code():
    assert card("378282246310005", cvc="1234").brand == "American Express"
    with pytest.raises(ServiceError) as refused:
        card("378282246310005", cvc="123")
    assert refused.value.field == "card_cvc"


@pytest.mark.parametrize(
    ("number", "expiry", "cvc", "field", "message"),
    [
        ("4242424242424241", "12/30", "123", "card_number", "not valid"),
        ("1234", "12/30", "123", "card_number", "12 to 19 digits"),
        ("4242x242424242424", "12/30", "123", "card_number", "12 to 19 digits"),
        ("", "12/30", "123", "card_number", "12 to 19 digits"),
        ("4242424242424242", "11/26", "123", "card_expiry", "expired"),
        ("4242424242424242", "13/30", "123", "card_expiry", "MM/YY"),
        ("4242424242424242", "0/30", "123", "card_expiry", "MM/YY"),
        ("4242424242424242", "12-30", "123", "card_expiry", "MM/YY"),
        ("4242424242424242", "12/99", "123", "card_expiry", "MM/YY"),
        ("4242424242424242", "", "123", "card_expiry", "MM/YY"),
        ("4242424242424242", "12/30", "12", "card_cvc", "3-digit"),
        ("4242424242424242", "12/30", "abc", "card_cvc", "3-digit"),
    ],
)
def test_read_card_refuses_what_a_form_can_tell_is_wrong(
    number, expiry, cvc, field, message
):
    with pytest.raises(ServiceError) as refused:
        card(number, expiry, cvc)

    assert refused.value.field == field
    assert message in refused.value.message


@pytest.mark.parametrize("expiry", ["12/26", "12 / 26", "1226", "12/2026", "01/27"])
def test_a_card_is_good_through_its_expiry_month(expiry):
    read = card(expiry=expiry)

    assert (read.exp_year, read.exp_month) >= (2026, 12)


def test_a_card_never_shows_its_number_in_repr():
    read = card()
    typed = CardDetails("4242424242424242", "12/30", "123")

    assert "4242424242424242" not in repr(read)
    assert "4242424242424242" not in repr(typed)
    assert "123" not in repr(typed)


@pytest.mark.parametrize(
    "number",
    [
        "4242424242424242",
        "4000056655665556",
        "5555555555554444",
        "2223003122003222",
        "6011111111111117",
    ],
)
def test_test_cards_that_approve(number):
    result = payments.TestGateway().charge(10_00, card(number), "key-1")

    assert result.approved
    assert result.reference.startswith("test_ch_")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("4000000000000002", "Your card was declined."),
        ("4000000000009995", "Your card has insufficient funds."),
        ("4000000000000069", "Your card has expired."),
        ("4000000000000127", "Your card's security code is incorrect."),
        ("4000000000000119", "could not be processed"),
        ("4111111111111111", "only test card numbers work"),
    ],
)
def test_test_cards_that_decline(number, message):
    result = payments.TestGateway().charge(10_00, card(number), "key-1")

    assert not result.approved
    assert result.reference == ""
    assert message in result.message


def test_the_same_idempotency_key_is_the_same_charge():
    gateway = payments.TestGateway()

    first = gateway.charge(10_00, card(), "checkout-abc")
    again = gateway.charge(10_00, card(), "checkout-abc")
    other = gateway.charge(10_00, card(), "checkout-xyz")

    assert first == again
    assert other.reference != first.reference


def test_nothing_about_the_card_is_logged_but_the_outcome(caplog):
    caplog.set_level("INFO")
    gateway = payments.TestGateway()

    approved = gateway.charge(10_00, card(), "k1")
    gateway.charge(10_00, card("4000000000000002"), "k2")
    gateway.void(approved.reference)

    assert caplog.records
    for record in caplog.records:
        message = record.getMessage()
        assert "4242" not in message and "0002" not in message


def test_the_test_gateway_says_it_is_a_test_mode(app):
    gateway = payments.get_gateway()

    assert isinstance(gateway, payments.TestGateway)
    assert gateway.test_mode
    assert gateway.label == "Test mode"


def test_an_unknown_gateway_setting_is_an_error_not_a_silent_default(database_urls):
    from app import create_app
    from tests.conftest import _overrides

    settings = _overrides(database_urls, {"PAYMENT_GATEWAY": "no-such-processor"})

    with pytest.raises(RuntimeError, match="no-such-processor"):
        create_app(settings)
