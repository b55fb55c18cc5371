"""Forms for signing in, codes, and choosing passwords.

Password fields never echo what was typed back into the page. Rules that need the database
or the user (is the password right, is it too easy to guess for this person) are checked in
the views, which put the message on the field.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from core.admin.widgets import TextInput


class PasswordInput(TextInput):
    """A GOV.UK text input of type password that never re-displays its value.

    Not the password-input component: its "Show" toggle is labelled "Show password", which
    makes the field ambiguous to label-based tools (screen-reader lists, browser tests).
    """

    input_type = "password"

    def __call__(self, field, **kwargs):
        kwargs["value"] = ""
        return super().__call__(field, **kwargs)


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _email_field(label: str = "Email address") -> StringField:
    return StringField(
        label, filters=[_strip], widget=TextInput(),
        validators=[DataRequired("Enter your email address"),
                    Length(max=254, message="Email address must be 254 characters or fewer")],
    )


def _password_field(label: str, message: str, description: str = "") -> PasswordField:
    return PasswordField(label, widget=PasswordInput(), description=description,
                         validators=[DataRequired(message)])


# The hint shown under a new-password field.
CHOOSING_HINT = (
    "At least 12 characters. Three or four unrelated words make a strong "
    "password that is easy to remember.")


class SignInForm(FlaskForm):
    email = _email_field()
    password = _password_field("Password", "Enter your password")


class CodeForm(FlaskForm):
    code = StringField(
        "Code", filters=[_strip], widget=TextInput(),
        description="The 6-digit code from your authenticator app, or one of your recovery codes",
        validators=[DataRequired("Enter the code from your authenticator app")],
    )


class EnrolForm(FlaskForm):
    code = StringField(
        "Code", filters=[_strip], widget=TextInput(),
        description="The 6-digit code your authenticator app shows after you add the account",
        validators=[DataRequired("Enter the 6-digit code from your authenticator app")],
    )


class ConfirmPasswordForm(FlaskForm):
    password = _password_field("Your current password", "Enter your current password")


def _confirm_field() -> PasswordField:
    return PasswordField(
        "Confirm new password", widget=PasswordInput(),
        validators=[DataRequired("Enter the new password again"),
                    EqualTo("password", message="The passwords do not match")],
    )


class NewPasswordForm(FlaskForm):
    password = _password_field("New password", "Enter a new password", CHOOSING_HINT)
    confirm = _confirm_field()


class ChangePasswordForm(FlaskForm):
    current = _password_field("Current password", "Enter your current password")
    password = _password_field("New password", "Enter a new password", CHOOSING_HINT)
    confirm = _confirm_field()


class ForgotPasswordForm(FlaskForm):
    email = StringField(
        "Email address", filters=[_strip], widget=TextInput(),
        validators=[DataRequired("Enter your email address"),
                    Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                           message="Enter an email address in the correct format, like "
                                   "name@example.org"),
                    Length(max=254, message="Email address must be 254 characters or fewer")],
    )
