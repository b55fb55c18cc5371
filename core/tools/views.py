"""Audit tool pages: see every tool and version; copy, edit and publish drafts.

Tools are platform-wide reference data (questions and descriptors, no case data), so the
list is limited by permission and by which plugins are enabled, not by partnership.
"""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.extensions import db
from core.identity.access import can, permission_required
from core.tools.definition import DOMAIN_GRADING, RULE_LABELS
from core.tools.domain_form import (
    GENERAL,
    detail_values,
    domain_index,
    domain_values,
    question_type_options,
    remove_domain,
    save_details,
    save_domain,
)
from core.tools.editing import STALE, copy_to_draft, draft_of, publish, save_draft
from core.tools.forms import DefinitionForm
from core.tools.grading import GRADES
from core.tools.models import ToolVersion
from core.tools.registry import tool_from_row, tool_registry, version_row, visible_versions

bp = Blueprint("tools", __name__, url_prefix="/tools")
VIEW, MANAGE = "tools.view", "tools.manage"


def _row_or_404(key: str, version: int) -> ToolVersion:
    row = version_row(key, version)
    if row is None or key.split(".", 1)[0] not in tool_registry().owners:
        abort(404)
    return row


@bp.get("/")
@permission_required(VIEW)
def index():
    tools = [(key, list(rows)) for key, rows in groupby(visible_versions(), lambda r: r.key)]
    return render_template("tools/index.html", tools=tools)


@bp.get("/<key>/<int:version>")
@permission_required(VIEW)
def show(key: str, version: int):
    row = _row_or_404(key, version)
    return render_template(
        "tools/show.html", row=row, tool=tool_from_row(row), draft=draft_of(key),
        can_manage=can(MANAGE), grades=GRADES, grading_labels=DOMAIN_GRADING)


@bp.post("/<key>/<int:version>/copy")
@permission_required(MANAGE)
def copy(key: str, version: int):
    row = _row_or_404(key, version)
    existing = draft_of(key)
    if existing is not None:
        flash(f"Version {existing.version} is already a draft of this tool: change that one "
              "or publish it first.")
        return redirect(url_for(".show", key=key, version=existing.version))
    try:
        draft = copy_to_draft(row, current_user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash("Someone else made a new version of this tool at the same moment. Nothing was "
              "copied: look at the versions below and try again if you still need to.")
        return redirect(url_for(".show", key=key, version=version))
    flash(f"Version {draft.version} is a draft copy of version {version}. Change its domains, "
          "then publish it.", "success")
    return redirect(url_for(".show", key=key, version=draft.version))


@bp.route("/<key>/<int:version>/edit", methods=["GET", "POST"])
@permission_required(MANAGE)
def edit(key: str, version: int):
    row = _row_or_404(key, version)
    if row.status != "draft":
        flash("Published and retired versions never change: copy this version to a new draft.")
        return redirect(url_for(".show", key=key, version=version))
    form = DefinitionForm()
    problems: list[tuple[str, str]] = []
    if form.validate_on_submit():
        problems = save_draft(row, form.definition.data, form.seen_lock()) or _commit()
        if not problems:
            flash(f"Draft version {version} saved.", "success")
            return redirect(url_for(".show", key=key, version=version))
    elif request.method == "GET":
        form.definition.data, form.lock_version.data = row.definition, row.lock_version
    return render_template("tools/edit.html", form=form, row=row, problems=problems)


def _commit() -> list[tuple[str, str]]:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return [("", STALE)]
    return []


@bp.post("/<key>/<int:version>/publish")
@permission_required(MANAGE)
def publish_version(key: str, version: int):
    row = _row_or_404(key, version)
    if row.status != "draft":
        flash(f"Version {version} is already {row.status}.")
        return redirect(url_for(".show", key=key, version=version))
    publish(row, current_user)
    if _commit():
        flash("Someone changed this draft while you were publishing it. Check it and publish "
              "again.")
    else:
        flash(f"Version {version} is published. New audits use it; audits already started "
              "keep the version they started on.", "success")
    return redirect(url_for(".show", key=key, version=version))


def _draft_or_redirect(key: str, version: int) -> tuple[ToolVersion, Any]:
    """The draft row, or a redirect for a version that is published or retired."""
    row = _row_or_404(key, version)
    if row.status != "draft":
        flash("Published and retired versions never change: copy this version to a new draft.")
        return row, redirect(url_for(".show", key=key, version=version))
    return row, None


@bp.route("/<key>/<int:version>/domains/<code>/edit", methods=["GET", "POST"])
@permission_required(MANAGE)
def edit_domain(key: str, version: int, code: str):
    """Change one domain of a draft with form fields: wording, descriptors, questions."""
    row = _row_or_404(key, version)
    index = domain_index(row, code)
    if index is None:
        abort(404)
    return _domain_page(key, version, index)


@bp.route("/<key>/<int:version>/domains/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def add_domain(key: str, version: int):
    """Add a domain at the end of a draft, with its descriptors and a first question."""
    return _domain_page(key, version, None)


def _domain_page(key: str, version: int, index: int | None):
    row, leave = _draft_or_redirect(key, version)
    if leave is not None:
        return leave
    domain = (json.loads(row.definition)["domains"][index] if index is not None else
              {"code": "", "title": "", "questions": [],
               "descriptors": {g.value: [] for g in GRADES}})
    values, errors, lock = domain_values(domain), {}, row.lock_version
    if index is None:
        values.update(grading="grade", new_required="yes")
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in request.form}
        lock = _int(request.form.get("lock_version"))
        errors = save_domain(row, index, request.form, lock)
        if not errors:
            errors = {GENERAL: STALE} if _commit_failed() else {}
        if not errors:
            code = domain["code"] or request.form.get("code", "").strip()
            title = request.form.get("title", "").strip()
            flash(f"{code}. {title} saved in draft version {version}.", "success")
            return redirect(url_for(".show", key=key, version=version, _anchor=f"domain-{code}"))
    return render_template(
        "tools/edit_domain.html", row=row, domain=domain, values=values, errors=errors,
        lock_version=lock, grades=GRADES, grading_labels=DOMAIN_GRADING,
        type_options=question_type_options(), general=GENERAL,
        adding=index is None), 400 if errors else 200


@bp.post("/<key>/<int:version>/domains/<code>/remove")
@permission_required(MANAGE)
def remove_domain_view(key: str, version: int, code: str):
    row, leave = _draft_or_redirect(key, version)
    if leave is not None:
        return leave
    index = domain_index(row, code)
    if index is None:
        abort(404)
    problem = remove_domain(row, index, _int(request.form.get("lock_version")))
    if problem is None and _commit_failed():
        problem = STALE
    if problem:
        flash(problem)
    else:
        flash(f"Domain {code} removed from draft version {version}.", "success")
    return redirect(url_for(".show", key=key, version=version))


@bp.route("/<key>/<int:version>/details", methods=["GET", "POST"])
@permission_required(MANAGE)
def edit_details(key: str, version: int):
    """Change a draft's title, description and how the overall grade is reached."""
    row, leave = _draft_or_redirect(key, version)
    if leave is not None:
        return leave
    values, errors, lock = detail_values(json.loads(row.definition)), {}, row.lock_version
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in request.form}
        lock = _int(request.form.get("lock_version"))
        errors = save_details(row, request.form, lock)
        if not errors:
            errors = {GENERAL: STALE} if _commit_failed() else {}
        if not errors:
            flash(f"Draft version {version} saved.", "success")
            return redirect(url_for(".show", key=key, version=version))
    return render_template(
        "tools/edit_details.html", row=row, values=values, errors=errors, lock_version=lock,
        rules=list(RULE_LABELS.items()), general=GENERAL), 400 if errors else 200


def _int(text: str | None) -> int | None:
    try:
        return int(text or "")
    except ValueError:
        return None


def _commit_failed() -> bool:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return True
    return False
