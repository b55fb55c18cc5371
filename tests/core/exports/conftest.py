"""Export fixtures: ask for an export through the pages and read the file back."""

from __future__ import annotations

import io
import zipfile

import pytest
from flask import url_for
from pypdf import PdfReader

from core.exports.models import ExportFile
from core.extensions import db
from tests.support.reports import QUARTER

SECRETS = ("ZZCANARY", "2011-01-01", "ZZREF-0001")


@pytest.fixture
def export_report(world):
    """POST the report page's export form; returns the export row (the job has run)."""
    def ask(client, fmt, partnership=None, agency=None):
        data = {"partnership_id": (partnership or world.p1).id, "period": "quarterly",
                "start": QUARTER[0].isoformat(), "end": QUARTER[1].isoformat(), "format": fmt}
        if agency is not None:
            data["agency"] = agency.id
        response = client.post(url_for("exports.report"), data=data)
        return response, _latest()
    return ask


def _latest() -> ExportFile | None:
    db.session.expire_all()
    return db.session.scalars(db.select(ExportFile).order_by(ExportFile.created_at.desc(),
                                                             ExportFile.id)).first()


def download(client, export: ExportFile):
    return client.get(url_for("exports.download", export_id=export.id))


def xlsx_text(content: bytes) -> str:
    """Every string in the workbook's parts (cells, shared strings, headers)."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return "\n".join(package.read(n).decode("utf-8", "replace") for n in package.namelist())


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
