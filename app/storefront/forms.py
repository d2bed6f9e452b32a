"""Customers' forms; their limits match the columns they fill."""

from dataclasses import fields

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import HiddenInput, TextInput

from app.services.checkout import CheckoutDetails
from app.services.payments import CardDetails
from app.web import LARGEST_ID, BaseForm, strip_filter

TRIM = [strip_filter]


class ContactFields(BaseForm):
    first_name = StringField(
        "First name", filters=TRIM, validators=[DataRequired(), Length(max=60)]
    )
    last_name = StringField(
        "Last name", filters=TRIM, validators=[DataRequired(), Length(max=60)]
    )
    phone = StringField(
        "Phone",
        filters=TRIM,
        validators=[Optional(), Length(max=30)],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    address = StringField(
        "Address",
        filters=TRIM,
        validators=[Optional(), Length(max=120)],
        render_kw={"autocomplete": "street-address"},
    )
    city = StringField("City", filters=TRIM, validators=[Optional(), Length(max=60)])
    state = StringField("State", filters=TRIM, validators=[Optional(), Length(max=30)])
    postal_code = StringField(
        "Postal code",
        filters=TRIM,
        validators=[Optional(), Length(max=12)],
        render_kw={"autocomplete": "postal-code"},
    )


class CreateAccountForm(ContactFields):
    email = EmailField(
        "Email",
        filters=TRIM,
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(),
            Length(min=8, message="Use at least 8 characters."),
            Length(max=128, message="Use at most 128 characters."),
        ],
        description="At least 8 characters. A phrase of a few words is easy to "
        "remember and hard to guess.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        "Confirm password",
        validators=[
            DataRequired(),
            EqualTo("password", message="The two passwords do not match."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Create account")

    field_order = (
        "first_name",
        "last_name",
        "email",
        "password",
        "confirm_password",
        "phone",
        "address",
        "city",
        "state",
        "postal_code",
    )


class LoginForm(BaseForm):
    email = EmailField(
        "Email",
        filters=TRIM,
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Sign in")


class LinkRequestForm(ContactFields):
    aim_number = StringField(
        "AIM account #",
        filters=TRIM,
        validators=[
            Optional(),
            Length(max=9),
            Regexp(r"^#?\d+$", message="Digits only, for example 573."),
        ],
        description="The number on your receipts or rental contract. Not sure? "
        "Leave it empty and our staff will look it up.",
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    comment = TextAreaField(
        "Anything we should know?",
        filters=TRIM,
        validators=[Optional(), Length(max=1000)],
        description="For example another name the account may be under.",
    )
    submit = SubmitField("Submit request")


class QuantityForm(BaseForm):
    """Add to cart on a product's page."""

    quantity = IntegerField(
        "Quantity",
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=99)],
        render_kw={"min": 1, "max": 99, "inputmode": "numeric"},
    )
    submit = SubmitField("Add to cart")


class AddToCartForm(QuantityForm):
    """Add to cart from the shop's list, which names the product."""

    product_id = IntegerField(
        widget=HiddenInput(),
        validators=[InputRequired(), NumberRange(min=1, max=LARGEST_ID)],
    )


class CartLineForm(BaseForm):
    quantity = IntegerField(
        "Quantity",
        validators=[InputRequired(), NumberRange(min=0, max=99)],
        description="0 takes it out of the cart.",
        render_kw={"min": 0, "max": 99},
    )
    submit = SubmitField("Update")


class CardInput(TextInput):
    """A text input that never sends a card's digits back to the browser."""

    def __call__(self, field, **kwargs):
        kwargs["value"] = ""
        return super().__call__(field, **kwargs)


def _required_unless(other: str):
    """Required when the checkbox named other is not ticked."""

    def check(form, field):
        if not form[other].data and not (field.data or "").strip():
            raise ValidationError(f"Enter the {field.label.text.lower()}.")

    return check


class CheckoutForm(BaseForm):
    """The checkout page of a signed-in customer; the cart comes from the session."""

    checkout_token = HiddenField()
    billing_first_name = StringField(
        "First name", filters=TRIM, validators=[DataRequired(), Length(max=60)]
    )
    billing_last_name = StringField(
        "Last name", filters=TRIM, validators=[DataRequired(), Length(max=60)]
    )
    billing_phone = StringField(
        "Phone",
        filters=TRIM,
        validators=[Optional(), Length(max=30)],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    billing_address = StringField(
        "Address",
        filters=TRIM,
        validators=[DataRequired(), Length(max=120)],
        render_kw={"autocomplete": "billing street-address"},
    )
    billing_city = StringField(
        "City", filters=TRIM, validators=[DataRequired(), Length(max=60)]
    )
    billing_state = StringField(
        "State", filters=TRIM, validators=[DataRequired(), Length(max=30)]
    )
    billing_postal_code = StringField(
        "Postal code",
        filters=TRIM,
        validators=[DataRequired(), Length(max=12)],
        render_kw={"autocomplete": "billing postal-code"},
    )
    shipping_same = BooleanField("Ship to my billing address", default=True)
    shipping_name = StringField(
        "Name",
        filters=TRIM,
        validators=[_required_unless("shipping_same"), Length(max=120)],
        render_kw={"autocomplete": "shipping name"},
    )
    shipping_address = StringField(
        "Address",
        filters=TRIM,
        validators=[_required_unless("shipping_same"), Length(max=120)],
        render_kw={"autocomplete": "shipping street-address"},
    )
    shipping_city = StringField(
        "City",
        filters=TRIM,
        validators=[_required_unless("shipping_same"), Length(max=60)],
    )
    shipping_state = StringField(
        "State",
        filters=TRIM,
        validators=[_required_unless("shipping_same"), Length(max=30)],
    )
    shipping_postal_code = StringField(
        "Postal code",
        filters=TRIM,
        validators=[_required_unless("shipping_same"), Length(max=12)],
        render_kw={"autocomplete": "shipping postal-code"},
    )
    payment_method = RadioField(
        "Payment",
        choices=[
            SelectChoice("pay_on_pickup", "Pay on pickup / invoice"),
            SelectChoice("card", "Credit or debit card"),
        ],
        default="pay_on_pickup",
    )
    card_number = StringField(
        "Card number",
        widget=CardInput(),
        validators=[Optional(), Length(max=30)],
        render_kw={"autocomplete": "cc-number", "inputmode": "numeric"},
    )
    card_expiry = StringField(
        "Expiry (MM/YY)",
        widget=CardInput(),
        validators=[Optional(), Length(max=7)],
        render_kw={"autocomplete": "cc-exp", "placeholder": "MM/YY"},
    )
    card_cvc = StringField(
        "Security code",
        widget=CardInput(),
        validators=[Optional(), Length(max=4)],
        render_kw={"autocomplete": "cc-csc", "inputmode": "numeric"},
    )
    submit = SubmitField("Place order")

    def details(self) -> CheckoutDetails:
        """What the checkout service takes: only the fields it declares."""
        names = [f.name for f in fields(CheckoutDetails) if f.name in self]
        return CheckoutDetails(
            **{
                name: "" if self[name].data is None else self[name].data
                for name in names
            }
        )

    def new_password(self) -> str:
        """A signed-in customer's checkout creates no account, so has no password."""
        return ""

    def card(self) -> CardDetails | None:
        if self.payment_method.data != "card":
            return None
        return CardDetails(
            self.card_number.data or "",
            self.card_expiry.data or "",
            self.card_cvc.data or "",
        )


class NewAccountCheckoutForm(CheckoutForm):
    """A guest's checkout creates the web account: /createaccount.aspx's fields."""

    email = CreateAccountForm.email
    password = CreateAccountForm.password
    confirm_password = CreateAccountForm.confirm_password

    def new_password(self) -> str:
        return self.password.data or ""
