"""Per-connection settings that make SQLite safe under several workers."""

from flask import Flask, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.extensions import db


def configure_engines(app: Flask) -> None:
    with app.app_context():
        for engine in [db.engines[None], db.engines["aim"]]:
            if engine.dialect.name == "sqlite":
                _make_sqlite_safe(engine)


def _make_sqlite_safe(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys, and write locks taken up front.

    pysqlite's deferred BEGIN lets two workers both read and then both try to
    write, and one gets "database is locked" at once, whatever the timeout.
    BEGIN IMMEDIATE makes the second wait its turn instead.

    The price: even a read holds its database's write lock until the commit,
    and the two files are locked in whatever order a transaction touches them.
    Two requests taking them in opposite orders wait on each other until the
    busy timeout. So one order holds: the Storefront, then AIM, and never
    AIM held while the Storefront is taken. The signed-in user is loaded first
    and its transaction ended (auth.load_user_first); code that read AIM after
    a commit ends that read (commits) before writing the Storefront. The load
    tests exercise the cases that matter.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def watch_lock_order() -> None:
    """In tests, fail a request whose transaction takes AIM before the Storefront.

    On SQLite that order can deadlock with any request taking them the other
    way; LOCK_ORDER_CHECK=1 (set by .ci/run) turns every occurrence into an
    error. Registered once per process, for every session.
    """
    global _watching
    if _watching:
        return
    _watching = True

    @event.listens_for(Session, "after_begin")
    def check(session, _transaction, connection):
        if not has_request_context():
            return
        begun = session.info.setdefault("begun_binds", [])
        begun.append(connection.engine is db.engines["aim"])
        if begun[0] and not begun[-1]:
            raise RuntimeError(
                "AIM was locked before the Storefront in one transaction"
            )

    @event.listens_for(Session, "after_commit")
    @event.listens_for(Session, "after_rollback")
    def reset(session):
        session.info.pop("begun_binds", None)


_watching = False
