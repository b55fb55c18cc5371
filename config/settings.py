"""Default settings and the environment variables that override them."""

from __future__ import annotations

import json
import os
import secrets
import warnings
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent

# Every setting a deployment may give through the environment, with the parser for its text.
ENV_SETTINGS: dict[str, Any] = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "REDIS_URL": str,
    "MASTER_KEY": str,
    "MASTER_KEY_FILE": str,
    "BLIND_INDEX_KEY": str,
    "ENABLED_PLUGINS": str,
    "SERVICE_NAME": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_USE_TLS": lambda v: v.lower() in {"1", "true", "yes"},
    "MAIL_FROM": str,
    "SESSION_COOKIE_SECURE": lambda v: v.lower() in {"1", "true", "yes"},
    "FORCE_HTTPS": lambda v: v.lower() in {"1", "true", "yes"},
    "MFA_REQUIRED_FOR_ALL": lambda v: v.lower() in {"1", "true", "yes"},
    "RATELIMIT_STORAGE_URI": str,
    "INSTANCE_PATH": str,
    "PUBLIC_URL": str,
    "RUN_SCHEDULER_IN_PROCESS": lambda v: v.lower() in {"1", "true", "yes"},
    "REVEAL_MINUTES": int,
    "RETENTION_YEARS": int,
    "API_TOKEN_MAX_DAYS": int,
    "API_RATE_LIMIT": str,
    "ATTACHMENT_MAX_BYTES": int,
    "RQ_QUEUE": str,
    "JOB_TIMEOUT": int,
    "JOB_FAILURE_TTL": int,
    "DB_STATEMENT_TIMEOUT_MS": int,
    "DB_LOCK_TIMEOUT_MS": int,
    "PROXY_HOPS": int,
    "EXTRA_PLUGINS": str,  # name=module,name=module: plugins outside the entry points
}

DEFAULTS: dict[str, Any] = {
    "ENV_NAME": "development",
    "SERVICE_NAME": "Safeguarding Partnership Quality Assurance",
    "ENABLED_PLUGINS": None,  # None = every installed plugin
    "EXTRA_PLUGINS": {},  # name -> module path; used by tests to load fixture plugins
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # PostgreSQL only: a runaway query or a blocked lock fails the request instead of holding
    # a worker and a connection indefinitely (0 turns either off).
    "DB_STATEMENT_TIMEOUT_MS": 30_000,
    "DB_LOCK_TIMEOUT_MS": 5_000,
    "REDIS_URL": None,
    "RQ_QUEUE": "partnership_audit",
    "JOB_FAILURE_TTL": int(timedelta(days=14).total_seconds()),
    "JOB_TIMEOUT": 600,
    "MAIL_SERVER": None,
    "MAIL_PORT": 587,
    "MAIL_USE_TLS": True,
    "MAIL_FROM": "no-reply@partnership.invalid",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "FORCE_HTTPS": False,
    "IDLE_TIMEOUT": timedelta(minutes=30),
    "ABSOLUTE_TIMEOUT": timedelta(hours=12),
    "LOGIN_LOCK_THRESHOLD": 10,
    "LOGIN_LOCK_MINUTES": 15,
    "LOGIN_RATE_LIMIT": "20 per minute",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    # A Redis that hangs (rather than refuses) must not hold every sign-in: give up quickly
    # and count in memory instead (see core.extensions). The memory storage ignores these.
    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    "MFA_REQUIRED_FOR_ALL": False,
    "PASSWORD_RESET_MAX_AGE": int(timedelta(hours=1).total_seconds()),
    "ARGON2_PROFILE": "production",
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session, which times out itself
    "MAX_CONTENT_LENGTH": 21 * 1024 * 1024,  # one largest attachment plus the form around it
    "ATTACHMENT_MAX_BYTES": 20 * 1024 * 1024,
    "RETENTION_YEARS": 3,  # after a record closes; a partnership may set its own
    "API_TOKEN_MAX_DAYS": 90,  # personal API tokens are short-lived, never static keys
    "API_RATE_LIMIT": "120 per minute",  # per token (per address without one)
    "MAIL_CAPTURE": False,  # tests read sent mail from a list instead of SMTP
    "PUBLIC_URL": "http://127.0.0.1:5000",
    "RUN_SCHEDULER_IN_PROCESS": False,  # the embedded default ticks the scheduler in a thread
    "REVEAL_MINUTES": 15,  # how long a revealed identity stays on the case page
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto. 0: none, and those
    # headers are ignored, so a client cannot choose the address its rate limits and logs use.
    "PROXY_HOPS": 0,
}


def _env_overrides(environ: os._Environ | dict[str, str]) -> dict[str, Any]:
    """Read the settings a deployment gave in the environment."""
    found: dict[str, Any] = {}
    for name, parse in ENV_SETTINGS.items():
        raw = environ.get(name)
        if raw not in (None, ""):
            found[name] = parse(raw)
    if "EXTRA_PLUGINS" in found:
        pairs = [p.split("=", 1) for p in found["EXTRA_PLUGINS"].split(",") if "=" in p]
        found["EXTRA_PLUGINS"] = {name.strip(): path.strip() for name, path in pairs}
    if "ENABLED_PLUGINS" in found:
        found["ENABLED_PLUGINS"] = [
            p.strip() for p in found["ENABLED_PLUGINS"].split(",") if p.strip()
        ]
    return found


def _dev_secret(instance: Path, name: str, nbytes: int) -> str:
    """Make (once) and read a development secret kept under instance/, never in the repo."""
    path = instance / name
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
        warnings.warn(
            f"Generated a development {name} in {path}. Never use it in production: "
            "set SECRET_KEY and MASTER_KEY (or MASTER_KEY_FILE).",
            stacklevel=2,
        )
    return path.read_text().strip()


def load_config(
    test_config: dict[str, Any] | None = None,
    environ: os._Environ | dict[str, str] | None = None,
) -> dict[str, Any]:
    """Defaults, then environment, then the caller's overrides (tests)."""
    cfg = dict(DEFAULTS)
    cfg.update(_env_overrides(os.environ if environ is None else environ))
    cfg.update(test_config or {})
    instance = Path(cfg.get("INSTANCE_PATH") or ROOT / "instance")
    cfg["INSTANCE_PATH"] = str(instance)
    if not cfg.get("SQLALCHEMY_DATABASE_URI"):
        cfg["SQLALCHEMY_DATABASE_URI"] = cfg.get("DATABASE_URL") or (
            f"sqlite:///{instance / 'partnership_audit.sqlite'}"
        )
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _dev_secret(instance, "dev-secret-key", 48)
        cfg["DEV_SECRETS"] = True
    if not cfg.get("MASTER_KEY") and not cfg.get("MASTER_KEY_FILE"):
        cfg["MASTER_KEY"] = _dev_secret(instance, "dev-master-key", 32)
        cfg["MASTER_KEY_FILE"] = str(instance / "dev-master-keys.json")  # rotation adds here
        cfg["DEV_SECRETS"] = True
    if not cfg.get("BLIND_INDEX_KEY"):
        cfg["BLIND_INDEX_KEY"] = _dev_secret(instance, "dev-blind-index-key", 32)
        cfg["DEV_SECRETS"] = True
    if cfg["SESSION_COOKIE_SECURE"]:
        cfg.setdefault("SESSION_COOKIE_NAME", "__Host-session")
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(cfg)
    cfg.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    return cfg


def engine_options(cfg: dict[str, Any]) -> dict[str, Any]:
    """The engine options, with PostgreSQL's statement and lock timeouts in each connection's
    startup options (so they hold for every session, pooled or new, without a SET per
    checkout). A copy: the shared defaults are never changed. Other databases are untouched."""
    options = dict(cfg.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not str(cfg.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        return options
    connect_args = dict(options.get("connect_args") or {})
    timeouts = (f"-c statement_timeout={int(cfg.get('DB_STATEMENT_TIMEOUT_MS') or 0)} "
                f"-c lock_timeout={int(cfg.get('DB_LOCK_TIMEOUT_MS') or 0)}")
    given = connect_args.get("options") or make_url(
        str(cfg["SQLALCHEMY_DATABASE_URI"])).query.get("options")  # connect_args would hide it
    connect_args["options"] = f"{given} {timeouts}" if given else timeouts
    options["connect_args"] = connect_args
    return options


def production_problems(cfg: dict[str, Any]) -> list[str]:
    """What a production deployment still lacks; `flask check-config` prints these."""
    problems = []
    if cfg.get("DEV_SECRETS"):
        problems.append(
            "SECRET_KEY, MASTER_KEY (or MASTER_KEY_FILE) and BLIND_INDEX_KEY"
            " must be set explicitly."
        )
    if not str(cfg.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        problems.append("DATABASE_URL must point at PostgreSQL (postgresql+psycopg://...).")
    if not cfg.get("REDIS_URL"):
        problems.append("REDIS_URL is not set: jobs would run inside web requests.")
    if not cfg.get("MAIL_SERVER"):
        problems.append("MAIL_SERVER is not set: no email would be sent.")
    if not cfg.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE must be true (HTTPS only cookies).")
    if not cfg.get("FORCE_HTTPS"):
        problems.append("FORCE_HTTPS should be true behind TLS.")
    if str(cfg.get("RATELIMIT_STORAGE_URI", "")).startswith("memory"):
        problems.append("RATELIMIT_STORAGE_URI should use Redis so limits hold across workers.")
    key_file = cfg.get("MASTER_KEY_FILE")
    if key_file and not cfg.get("MASTER_KEY") and not Path(key_file).is_file():
        problems.append(f"MASTER_KEY_FILE {key_file} does not exist.")
    if _blind_index_key_reused(cfg):
        problems.append("BLIND_INDEX_KEY must be its own key, not the MASTER_KEY or SECRET_KEY.")
    return problems


def _blind_index_key_reused(cfg: dict[str, Any]) -> bool:
    """Whether the duplicate-check HMAC key is also an encryption or signing key: one leaked
    key would then both unseal identity and confirm guesses against the blind index."""
    blind = cfg.get("BLIND_INDEX_KEY")
    if not blind:
        return False
    others = {cfg.get("MASTER_KEY"), cfg.get("SECRET_KEY")}
    key_file = cfg.get("MASTER_KEY_FILE")
    if key_file and Path(key_file).is_file():
        # An unreadable key file is reported when the app first needs a key.
        with suppress(ValueError, AttributeError):
            others.update(json.loads(Path(key_file).read_text()).values())
    return blind in others
