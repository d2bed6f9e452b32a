"""AIM staff forms; their limits match the columns they fill."""

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from app.web import LARGEST_ID, BaseForm, strip_filter

TRIM = [strip_filter]


class CustomerForm(BaseForm):
    first_name = StringField("First name", filters=TRIM, validators=[Length(max=60)])
    last_name = StringField(
        "Last name", filters=TRIM, validators=[DataRequired(), Length(max=60)]
    )
    company = StringField("Company", filters=TRIM, validators=[Length(max=100)])
    address = StringField("Address", filters=TRIM, validators=[Length(max=120)])
    city = StringField("City", filters=TRIM, validators=[Length(max=60)])
    state = StringField("State", filters=TRIM, validators=[Length(max=30)])
    postal_code = StringField("Postal code", filters=TRIM, validators=[Length(max=12)])
    phone = StringField("Phone", filters=TRIM, validators=[Length(max=30)])
    mobile = StringField("Mobile", filters=TRIM, validators=[Length(max=30)])
    email = EmailField("Email", filters=TRIM, validators=[Optional(), Length(max=254)])
    email_statements = BooleanField("Email statements and receipts")
    notes = TextAreaField("Notes", filters=TRIM, validators=[Length(max=2000)])
    version = HiddenField()
    submit = SubmitField("Save customer")

    # The customer screen's tabs, and the fields on each.
    tabs = {
        "1 General": ("first_name", "last_name", "company"),
        "2 Address": ("address", "city", "state", "postal_code"),
        "3 Phone": ("phone", "mobile"),
        "5 Notes": ("notes",),
        "6 Email": ("email", "email_statements"),
    }


class CustomerSearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(
        "Find",
        filters=TRIM,
        validators=[Length(max=100)],
        description="Account number, name, phone or email",
    )


class CustomerChoiceForm(BaseForm):
    """Update Customer and Save: which AIM customer, as the staff member saw it."""

    same_person = BooleanField("Same person: update anyway")

    customer_number = IntegerField(
        validators=[InputRequired(), NumberRange(min=1, max=LARGEST_ID)]
    )
    version = IntegerField(
        validators=[InputRequired(), NumberRange(min=0, max=LARGEST_ID)]
    )


class RejectForm(BaseForm):
    reason = StringField(
        "Reason the customer will see",
        filters=TRIM,
        validators=[DataRequired(), Length(max=300)],
        description="For example: we could not find an AIM account with these "
        "details; please call the store.",
    )
    submit = SubmitField("Reject")


class ConfirmForm(BaseForm):
    """A button that changes state and carries nothing but its CSRF token."""
