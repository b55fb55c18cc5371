"""Load on loopback: gunicorn (2 gthread workers) on PostgreSQL and Redis, driven by locust.

Figures:
- `ceiling_rps`: requests/s of `/healthz` on the same app and server (nothing cheaper exists).
- `api_return_rps`: requests/s of partner agencies saving multi-agency audit returns through the
  REST API (validate, encrypt the free text, write, log the call, enqueue notifications), and
  `api_vs_ceiling` the ratio. Target >= 0.25.
- `pages`: p50/p95 in ms of the dashboard, a return form (an audit form) and the action
  tracker, with `BENCH_LOAD_USERS` (50) signed-in sessions pausing 0.5-1.5 s between clicks.
  Target p95 < 150 ms.
- `peak_rss_mb`: peak resident memory of each gunicorn worker after the run. Target < 150 MB.

Needs `BENCH_POSTGRES_URL` (a throwaway database is made and dropped), Redis at
`BENCH_REDIS_URL` (default db 14, the bench's own; emptied afterwards) and locust in
`.venv-load` (`make bench` installs it there, away from the test suite, because locust brings
a pytest plugin and gevent). Without them the figure says what is missing. The client shares
the machine's cores with the server, so on a small machine the figures are a floor.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import redis

from bench._support import postgres

ROOT = Path(__file__).resolve().parents[1]
LOCUST = ROOT / ".venv-load" / "bin" / "locust"
GUNICORN = Path(sys.executable).parent / "gunicorn"
USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "20"))
AUDITS, CASES_EACH = 20, 10  # an audit takes at most 10 cases: 600 returns to write in all
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def _missing() -> str | None:
    if not os.environ.get("BENCH_POSTGRES_URL", "").startswith("postgresql"):
        return "skipped: set BENCH_POSTGRES_URL to measure"
    if not LOCUST.exists():
        return "skipped: locust not in .venv-load (make bench installs it)"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        return f"skipped: Redis at {REDIS_URL}: {exc}"
    return None


def _server_env(database_url: str, instance: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL,
            "INSTANCE_PATH": instance, "SECRET_KEY": secrets.token_urlsafe(32),
            "MASTER_KEY": secrets.token_urlsafe(32), "BLIND_INDEX_KEY": secrets.token_urlsafe(32),
            "RQ_QUEUE": f"bench_{secrets.token_hex(4)}", "API_RATE_LIMIT": "1000000 per minute",
            "RATELIMIT_STORAGE_URI": "memory://"}


def _prepare(env: dict[str, str], plan_path: Path) -> None:
    """Schema, a partnership with a multi-agency audit open for returns, tokens and sessions,
    written as the plan locust reads. Built as the plugin's own tests build it."""
    from core.app import create_app
    from core.extensions import db

    logging.disable(logging.WARNING)  # set-up mail and notices are noise here
    app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
                      "INSTANCE_PATH": env["INSTANCE_PATH"], "SECRET_KEY": env["SECRET_KEY"],
                      "MASTER_KEY": env["MASTER_KEY"], "BLIND_INDEX_KEY": env["BLIND_INDEX_KEY"],
                      "REDIS_URL": None, "SERVER_NAME": "localhost"})
    with app.app_context(), app.test_request_context():
        db.create_all()
        plan = _world_and_audit(app)
        db.session.commit()
        db.engine.dispose()
    plan_path.write_text(json.dumps(plan), encoding="utf-8")


def _world_and_audit(app) -> dict:
    from core.api.tokens import issue
    from core.extensions import db
    from tests.plugins.multi_agency.conftest import body, code_cases, plan, start
    from tests.support import factories as f

    p1 = f.make_partnership("Bench", "BE")
    a = f.make_agency(p1, name="Council")
    b = f.make_agency(p1, name="Police", type="police")
    h = f.make_agency(p1, name="Health", type="health")
    world = SimpleNamespace(p1=p1, a=a)
    leads = {kind: f.make_user("agency_lead_auditor", agency, email=f"lead.{kind}@bench.example")
             for kind, agency in (("childrens_services", a), ("police", b), ("health", h))}
    coordinator = f.make_user("partnership_coordinator", p1, email="coord@bench.example")
    ma = SimpleNamespace(world=world, a=a, b=b, h=h, coordinator=coordinator,
                         lead_a=leads["childrens_services"], lead_b=leads["police"],
                         lead_h=leads["health"])
    cases = code_cases(world, AUDITS * CASES_EACH)
    audits = []
    for n in range(AUDITS):
        audits.append(plan(ma, title=f"Audit {n}",
                           cases=cases[n * CASES_EACH:(n + 1) * CASES_EACH]))
        start(audits[-1], ma)
    api = []
    for kind, lead in leads.items():
        token = issue(lead, lead.memberships[0].agency, "bench", 30)[1]
        api += [{"token": token, "body": body(kind), "path":
                 f"/api/v1/multi-agency/audits/{audit.reference}/cases/{c.code}/return"}
                for audit in audits for c in audit.cases]
    db.session.commit()
    audit = audits[0]
    pages = {kind: _pages(audit, lead) for kind, lead in leads.items()}
    sessions = [_session(app, lead, pages[kind])
                for n in range(USERS) for kind, lead in [list(leads.items())[n % 3]]]
    return {"cookie_name": app.config["SESSION_COOKIE_NAME"], "sessions": sessions, "api": api}


def _pages(audit, lead) -> dict[str, str]:
    agency_id = lead.memberships[0].agency_id
    code = audit.cases[0].code
    return {"page: dashboard": "/", "page: action tracker": "/actions/",
            "page: audit return form":
                f"/multi-agency/{audit.id}/cases/{code}/returns/{agency_id}"}


def _session(app, user, pages: dict[str, str]) -> dict:
    """A server-side session row and the signed cookie that names it, as signing in makes."""
    import hashlib

    from core.extensions import db
    from core.identity.models import UserSession

    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=hashlib.sha256(token.encode()).hexdigest(), user_id=user.id))
    db.session.commit()
    signer = app.session_interface.get_signing_serializer(app)
    cookie = signer.dumps({"sid": token, "_user_id": str(user.id), "_fresh": True})
    return {"cookie": cookie, "pages": pages}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _gunicorn(env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen]]:
    """The app under gunicorn; its log goes to a file (a pipe nobody reads would fill up and
    stall the workers)."""
    port = _free_port()
    log_path = Path(env["INSTANCE_PATH"]) / "gunicorn.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [str(GUNICORN), "-w", "2", "-k", "gthread", "--threads", "4", "-b",
             f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        _wait_until_up(port, server, log_path)
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_until_up(port: int, server: subprocess.Popen, log_path: Path) -> None:
    """Until a worker answers /healthz (the master listens before its workers can)."""
    for _ in range(600):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer /healthz within a minute")


def _locust(user_class: str, host: str, plan_path: Path, users: int, folder: str) -> dict:
    prefix = f"{folder}/{user_class}"
    result = subprocess.run(
        [str(LOCUST), "-f", str(ROOT / "bench" / "_locustfile.py"), "--headless",
         "-u", str(users), "-r", str(users), "-t", f"{SECONDS}s", "--host", host,
         "--csv", prefix, "--only-summary", "--loglevel", "WARNING", user_class],
        env={**os.environ, "LOAD_PLAN": str(plan_path)}, check=False,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=SECONDS + 120)
    if not Path(f"{prefix}_stats.csv").exists():
        raise RuntimeError(f"locust failed: {result.stderr.decode()[-2000:]}")
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    with open(f"{prefix}_failures.csv", encoding="utf-8") as failures:
        rows["Aggregated"]["errors"] = {row["Error"][:120]: int(row["Occurrences"])
                                        for row in csv.DictReader(failures)}
    return rows


def _summary(row: dict) -> dict:
    return {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
            "rps": round(float(row["Requests/s"]), 1), "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]), **({"errors": row["errors"]} if row.get("errors")
                                             else {})}


def _worker_peak_rss_mb(server: subprocess.Popen) -> list[float]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    peaks = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(round(int(line.split()[1]) / 1024, 1))
    return peaks


def _server_errors(log_path: Path) -> dict[str, int]:
    """What the app's error handler logged (endpoint and exception type; never a body), so a
    500 under load says where it came from."""
    found = re.findall(r"unhandled error ref=\S+ (endpoint=\S+ type=\S+)",
                       log_path.read_text(errors="replace"))
    return dict(Counter(found))


def measure(server_url: str) -> dict:
    with postgres(server_url) as database_url, tempfile.TemporaryDirectory() as folder:
        env = _server_env(database_url, folder)
        plan_path = Path(folder) / "plan.json"
        _prepare(env, plan_path)
        with _gunicorn(env) as (host, server):
            ceiling = _summary(_locust("CeilingUser", host, plan_path, 20, folder)["Aggregated"])
            api = _summary(_locust("ApiUser", host, plan_path, 20, folder)["Aggregated"])
            pages = _locust("PageUser", host, plan_path, USERS, folder)
            rss = _worker_peak_rss_mb(server)
        errors = _server_errors(Path(folder) / "gunicorn.log")
    return {
        "ceiling_rps": ceiling["rps"], "api_return_rps": api["rps"],
        "api_vs_ceiling": round(api["rps"] / ceiling["rps"], 2) if ceiling["rps"] else None,
        "api_return": api,
        "pages": {name: _summary(row) for name, row in pages.items() if name != "Aggregated"},
        "signed_in_sessions": USERS, "seconds_each": SECONDS, "peak_rss_mb": rss,
        "server_errors": errors,
        "targets": "api_vs_ceiling >= 0.25; page p95_ms < 150; peak_rss_mb < 150",
    }


def run() -> dict:
    missing = _missing()
    if missing:
        return {"postgresql": missing}
    try:
        return {"postgresql": measure(os.environ["BENCH_POSTGRES_URL"])}
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
