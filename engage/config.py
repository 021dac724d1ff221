"""Settings read from the environment, so one build runs anywhere (12-factor)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENVIRONMENTS = ("development", "production", "test")


class ConfigError(RuntimeError):
    """A setting is missing or wrong; raised at start-up, never mid-request."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _whole_number(environ: dict[str, str], name: str, default: int) -> int:
    """An integer setting; a value that is not one stops start-up with the setting's name."""
    value = environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}.") from None


def _secret_key(env: str, instance_path: Path, environ: dict[str, str]) -> str:
    """Return ENGAGE_SECRET_KEY, or in development a key kept in instance/ across restarts."""
    key = environ.get("ENGAGE_SECRET_KEY", "")
    if key:
        return key
    if env == "production":
        raise ConfigError("ENGAGE_SECRET_KEY must be set in production.")
    if env == "test":
        return "test-secret-key-not-for-production"
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_settings(instance_path: str | Path, environ: dict[str, str] | None = None) -> dict:
    """Build the Flask config mapping from ENGAGE_* variables (and sane defaults)."""
    environ = dict(os.environ if environ is None else environ)
    instance_path = Path(instance_path)
    env = environ.get("ENGAGE_ENV", "development").strip().lower()
    if env not in ENVIRONMENTS:
        raise ConfigError(f"ENGAGE_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")
    production = env == "production"

    database_url = environ.get("ENGAGE_DATABASE_URL") or (
        f"sqlite:///{instance_path / 'engage.sqlite3'}"
    )
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url.removeprefix("postgres://")
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")

    mail_server = environ.get("ENGAGE_MAIL_SERVER", "")
    if production and not mail_server:
        raise ConfigError("ENGAGE_MAIL_SERVER must be set in production (invitations need mail).")
    if production and not environ.get("ENGAGE_BASE_URL", ""):
        raise ConfigError(
            "ENGAGE_BASE_URL must be set in production: links in e-mails sent from the command "
            "line (reminders) have no request to take the address from."
        )
    upload_bytes = _whole_number(environ, "ENGAGE_MAX_UPLOAD_MB", 20) * 1024 * 1024

    return {
        "ENGAGE_ENV": env,
        "TESTING": env == "test",
        "SECRET_KEY": _secret_key(env, instance_path, environ),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Who publishes: the office's name moves with the data when the functions pass on (2028).
        "ENGAGE_SERVICE_NAME": environ.get("ENGAGE_SERVICE_NAME", "Engage"),
        "ENGAGE_OFFICE_NAME": environ.get(
            "ENGAGE_OFFICE_NAME", "Office of the Police and Crime Commissioner for Gloucestershire"
        ),
        "ENGAGE_CONTACT_EMAIL": environ.get("ENGAGE_CONTACT_EMAIL", "engage@example.org"),
        "ENGAGE_BASE_URL": environ.get("ENGAGE_BASE_URL", "").rstrip("/"),
        "ENGAGE_PROXY_COUNT": _whole_number(environ, "ENGAGE_PROXY_COUNT", 0),
        "ENGAGE_FORCE_HTTPS": _flag(environ.get("ENGAGE_FORCE_HTTPS"), production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": _whole_number(environ, "ENGAGE_SESSION_HOURS", 8) * 3600,
        # CSRF tokens are tied to the session instead, so long forms do not expire.
        "WTF_CSRF_TIME_LIMIT": None,
        # Uploads (response imports) wait here between steps; share it between app servers.
        "ENGAGE_UPLOAD_FOLDER": environ.get("ENGAGE_UPLOAD_FOLDER", ""),
        "ENGAGE_MAX_UPLOAD_BYTES": upload_bytes,
        # No request body may be larger than the largest upload (plus a megabyte of form).
        "MAX_CONTENT_LENGTH": upload_bytes + 1024 * 1024,
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": _whole_number(environ, "ENGAGE_MAIL_PORT", 25),
        "MAIL_USERNAME": environ.get("ENGAGE_MAIL_USERNAME", ""),
        "MAIL_PASSWORD": environ.get("ENGAGE_MAIL_PASSWORD", ""),
        "MAIL_SECURITY": environ.get("ENGAGE_MAIL_SECURITY", "none").lower(),  # none|starttls|ssl
        "MAIL_SENDER": environ.get("ENGAGE_MAIL_SENDER", "Engage <no-reply@example.org>"),
        "INVITATION_DAYS": _whole_number(environ, "ENGAGE_INVITATION_DAYS", 7),
        # The published service promise for concerns, in working days (England).
        "PROMISE_ACKNOWLEDGE_DAYS": _whole_number(environ, "ENGAGE_PROMISE_ACKNOWLEDGE_DAYS", 2),
        "PROMISE_FIRST_UPDATE_DAYS": _whole_number(environ, "ENGAGE_PROMISE_FIRST_UPDATE_DAYS", 10),
        "PROMISE_RESPONSE_DAYS": _whole_number(environ, "ENGAGE_PROMISE_RESPONSE_DAYS", 20),
        "PASSWORD_RESET_MINUTES": _whole_number(environ, "ENGAGE_PASSWORD_RESET_MINUTES", 60),
        "RATELIMIT_STORAGE_URI": environ.get("ENGAGE_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_LIMIT_PER_ACCOUNT": environ.get(
            "ENGAGE_LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes"
        ),
        "LOGIN_LIMIT_PER_ADDRESS": environ.get(
            "ENGAGE_LOGIN_LIMIT_PER_ADDRESS", "50 per 15 minutes"
        ),
        "CONCERN_LIMIT_PER_ADDRESS": environ.get("ENGAGE_CONCERN_LIMIT_PER_ADDRESS", "5 per hour"),
    }
