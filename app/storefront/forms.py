"""Customers' forms; their limits match the columns they fill."""

from wtforms import EmailField, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from app.web import BaseForm, strip_filter

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
        validators=[DataRequired(), Length(min=8, max=128)],
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
