"""Job pages: a list of one's own jobs, one job's progress, and its status as JSON for polling.

A person sees the jobs they started; `jobs.view_all` sees every job. Anyone else gets 404,
the same as for a job that does not exist.
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, jsonify, render_template
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.access import can, login_required
from core.jobs.models import JobRecord

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
VIEW_ALL = "jobs.view_all"
LISTED = 50


def _visible(job_id: str) -> JobRecord:
    job = db.session.get(JobRecord, job_id)
    if job is None or not (job.created_by == current_user.id or can(VIEW_ALL)):
        abort(404)
    return job


def title_of(job: JobRecord) -> str:
    """The job type's description, else its name (a disabled plugin's job keeps its name)."""
    job_type = current_app.extensions["job_types"].get(job.name)
    return job_type.description if job_type and job_type.description else job.name


@bp.get("/")
@login_required
def index():
    query = select(JobRecord).order_by(JobRecord.created_at.desc()).limit(LISTED)
    if not can(VIEW_ALL):
        query = query.where(JobRecord.created_by == current_user.id)
    jobs = db.session.scalars(query).all()
    return render_template("jobs/index.html", jobs=jobs, title_of=title_of)


@bp.get("/<job_id>")
@login_required
def show(job_id: str):
    job = _visible(job_id)
    result = json.loads(job.result) if job.result else None
    return render_template("jobs/show.html", job=job, title=title_of(job), result=result)


@bp.get("/<job_id>.json")
@login_required
def status(job_id: str):
    job = _visible(job_id)
    return jsonify(status=job.status, progress=job.progress, result_url=job.result_url)
