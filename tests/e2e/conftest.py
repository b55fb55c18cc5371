"""A real server on loopback and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import io
import logging
import os
import shutil
import threading
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import make_url, select
from werkzeug.serving import make_server

from tests.support.databases import need_service

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live_app(make_app):
    """The app served by a threaded WSGI server on a free loopback port."""
    app = make_app(SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def identity_stays_sealed(request, caplog):
    """After each journey: no coded child's name, record id, NHS number or alias appears in
    the database file (outside its encrypted columns), in anything logged (requests and their
    URLs included), in any email, or in any file downloaded. Pages are not checked here: an
    entitled reader who has revealed a case may see it there."""
    if "live_app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("live_app")
    downloads: list[str] = []
    app.after_request(_keep_downloads(downloads))
    caplog.set_level(logging.DEBUG)
    yield
    with app.app_context():
        secrets = _identities()
        places = {"database file": _database_text(app), "logs": _logged(caplog),
                  "emails": repr(app.extensions.get("mail_outbox", [])),
                  "downloads": "\n".join(downloads)}
    found = [f"{secret!r} in {where}" for where, text in places.items()
             for secret in secrets if secret in text]
    assert found == [], "identity escaped its encryption"


def _logged(caplog) -> str:
    """Every record of the journey's set-up and run (caplog.text holds only the current
    phase, which here is teardown), with its arguments and any traceback."""
    formatter = logging.Formatter()
    return "\n".join(formatter.format(record) for when in ("setup", "call")
                     for record in caplog.get_records(when))


def _identities() -> set[str]:
    from core.cases.models import Case
    from core.extensions import db

    values = set()
    for case in db.session.scalars(select(Case)):
        for field in ("name", "record_id", "nhs_number", "alias"):
            value = case.unseal(f"{field}")
            if value and len(value) >= 5:  # shorter strings would match by chance
                values.add(value)
    return values


def _database_text(app) -> str:
    path = Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database or "")
    files = [path, *path.parent.glob(path.name + "-*")] if path.name else []
    return b"".join(f.read_bytes() for f in files if f.exists()).decode("latin-1")


def _keep_downloads(into: list[str]):
    def keep(response):
        if "attachment" in response.headers.get("Content-Disposition", ""):
            response.direct_passthrough = False
            into.append(_text_of(response.get_data(), response.mimetype))
        return response
    return keep


def _text_of(content: bytes, mimetype: str) -> str:
    if mimetype == "application/pdf":
        from pypdf import PdfReader

        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    if content[:2] == b"PK":  # xlsx and other zip packages
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            return "\n".join(package.read(n).decode("utf-8", "replace")
                             for n in package.namelist())
    return content.decode("utf-8", "replace")


@pytest.fixture
def browser():
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        need_service("Chromium", f"{CHROMIUM} not found (make browser installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    # axe is injected as a script; the app's CSP (tested on its own) would rightly refuse it
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page; return the serious and critical violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
