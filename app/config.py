"""Settings, read from the environment once when the app is created."""

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _sqlite_url(instance_path: str, name: str) -> str:
    return f"sqlite:///{Path(instance_path) / name}"


def load_secret_key(instance_path: str) -> str:
    """Return a secret key that every worker and restart shares.

    A key generated per process would sign each gunicorn worker's cookies
    differently, so the first one made is written to instance/ and reused.
    """
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def build_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Assemble the settings: defaults, then the environment, then overrides."""
    env = os.environ
    overrides = overrides or {}
    app_env = env.get("APP_ENV", "development").strip().lower()
    if app_env not in ("development", "production"):
        raise RuntimeError(
            f"APP_ENV is {app_env!r}; it must be 'development' or 'production'."
        )
    production = app_env == "production"

    storefront_url = env.get("STOREFRONT_DATABASE_URL") or _sqlite_url(
        instance_path, "storefront.sqlite"
    )
    aim_url = env.get("AIM_DATABASE_URL") or _sqlite_url(instance_path, "aim.sqlite")

    config = {
        "APP_ENV": "production" if production else "development",
        "SECRET_KEY": env.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": storefront_url,
        "SQLALCHEMY_BINDS": {"aim": aim_url},
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "RATELIMIT_STRATEGY": "moving-window",
        "SIGN_IN_LIMIT_PER_ACCOUNT": env.get("SIGN_IN_LIMIT_PER_ACCOUNT", "5/minute"),
        "SIGN_IN_LIMIT_PER_ADDRESS": env.get("SIGN_IN_LIMIT_PER_ADDRESS", "30/minute"),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 512 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "WTF_CSRF_TIME_LIMIT": 4 * 3600,
        "PER_PAGE": 20,
        "TAX_RATE_BASIS_POINTS": int(env.get("TAX_RATE_BASIS_POINTS", "725")),
        "PAYMENT_GATEWAY": env.get("PAYMENT_GATEWAY", "test"),
        "TRUSTED_PROXY_COUNT": int(env.get("TRUSTED_PROXY_COUNT", "0")),
        "ORDER_LOCK_MINUTES": int(env.get("ORDER_LOCK_MINUTES", "15")),
        "STORE_TIMEZONE": env.get("STORE_TIMEZONE", "America/Chicago"),
    }
    config.update(overrides)

    _check_choices(config)

    if not config["SECRET_KEY"]:
        if config["APP_ENV"] == "production":
            raise RuntimeError(
                "SECRET_KEY must be set in production: refusing to start without it."
            )
        config["SECRET_KEY"] = load_secret_key(instance_path)

    config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        config["SQLALCHEMY_DATABASE_URI"]
    )
    aim = config["SQLALCHEMY_BINDS"]["aim"]
    if isinstance(aim, str):
        config["SQLALCHEMY_BINDS"] = {"aim": {"url": aim, **engine_options(aim)}}
    return config


def engine_options(url: str) -> dict:
    """Options per database kind; each engine gets its own connect_args.

    PostgreSQL fails fast when unreachable instead of hanging a worker; SQLite
    waits for a busy writer instead of raising "database is locked".
    """
    if url.startswith("postgresql"):
        return {"pool_pre_ping": True, "connect_args": {"connect_timeout": 3}}
    return {"pool_pre_ping": True, "connect_args": {"timeout": 30}}


def _check_choices(config: dict) -> None:
    """Refuse a setting that would otherwise fail on the first page that needs it."""
    from app.services.payments import GATEWAYS

    if config["PAYMENT_GATEWAY"] not in GATEWAYS:
        raise RuntimeError(
            f"PAYMENT_GATEWAY is {config['PAYMENT_GATEWAY']!r}; "
            f"it must be one of {', '.join(sorted(GATEWAYS))}."
        )
    try:
        ZoneInfo(config["STORE_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise RuntimeError(
            f"STORE_TIMEZONE {config['STORE_TIMEZONE']!r} is not a time zone "
            "name such as America/Chicago."
        ) from None
