"""Your account → API tokens: make a token for one of your agencies, see it once, revoke it."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from core.accesslog.chain import append
from core.admin.widgets import RadioInput, TextInput
from core.api.models import ApiToken
from core.api.tokens import issue, max_days, revoke, tokens_of
from core.extensions import db
from core.identity.access import permission_required
from core.identity.models import Agency
from core.timeutil import utcnow

bp = Blueprint("api_tokens", __name__, url_prefix="/account/api-tokens")
USE = "api.use"


class TokenForm(FlaskForm):
    name = StringField("What the token is for", widget=TextInput(),
                       description="For example, 'Police case management upload'",
                       validators=[DataRequired("Enter what the token is for"),
                                   Length(max=100, message="Use 100 characters or fewer")])
    agency = RadioField("Agency the token acts for", widget=RadioInput(), coerce=str,
                        validators=[InputRequired("Choose the agency the token acts for")])
    days = IntegerField("Days until it expires", widget=TextInput(), default=30,
                        validators=[InputRequired("Enter a number of days")])


def _my_agencies() -> list[Agency]:
    found = {m.agency_id: m.agency for m in current_user.memberships if m.agency_id}
    return sorted(found.values(), key=lambda a: a.name)


def _form() -> TokenForm:
    form = TokenForm()
    form.agency.choices = [(str(a.id), a.name) for a in _my_agencies()]
    limit = max_days()
    form.days.validators = [InputRequired("Enter a number of days"),
                            NumberRange(1, limit, f"Enter a number from 1 to {limit}")]
    return form


def _page(form: TokenForm, shown: str | None = None, status: int = 200):
    return render_template("api/tokens.html", form=form, tokens=tokens_of(current_user),
                           shown=shown, now=utcnow(), limit=max_days(),
                           rate=current_app.config["API_RATE_LIMIT"]), status


@bp.get("/")
@permission_required(USE)
def index():
    return _page(_form())


@bp.post("/")
@permission_required(USE)
def create():
    form = _form()
    if not form.agency.choices:
        abort(403)  # a token acts for one agency; someone in none has no choice to make
    if not form.validate_on_submit():
        return _page(form, status=400)
    agency = next(a for a in _my_agencies() if str(a.id) == form.agency.data)
    token, text = issue(current_user, agency, form.name.data, form.days.data)
    append("api_token_created", "api_token", user=current_user, object_code=token.id,
           detail=f"agency {agency.id}; {form.days.data} days")
    db.session.commit()
    return _page(_form(), shown=text)


@bp.post("/<token_id>/revoke")
@permission_required(USE)
def revoke_token(token_id: str):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    revoke(token)
    append("api_token_revoked", "api_token", user=current_user, object_code=token.id)
    db.session.commit()
    return redirect(url_for("api_tokens.index"))
