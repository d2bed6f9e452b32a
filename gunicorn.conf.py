"""gunicorn settings for `make run` and production; each can be set by env."""

import os
import socket

bind = os.environ.get("BIND", "127.0.0.1:5000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 30
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket is one path per user: a second server on the same
# machine would take it over. The app does not use it.
control_socket_disable = True


def _redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


# Sign-in throttling must be shared by all workers: use the local Redis when
# nothing else is configured and it is there.
if "RATELIMIT_STORAGE_URI" not in os.environ and _redis_answers():
    os.environ["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379/0"
