"""The staff sign-in form, shared by /aesys and /aim."""

from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.web import BaseForm, strip_filter


class StaffLoginForm(BaseForm):
    username = StringField(
        "Username",
        filters=[strip_filter],
        validators=[DataRequired(), Length(max=60)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Sign in")
