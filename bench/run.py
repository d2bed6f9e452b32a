"""Benchmark: the app's pages against a plain Flask "hello", in the same run.

Both are served by gunicorn with the same settings on 127.0.0.1, loaded with
the same number of concurrent clients for the same number of requests, and
each page's throughput and median latency are printed as a ratio to hello's.
The machine is shared and noisy, so only the ratios mean anything.

    .venv/bin/python bench/run.py [--requests 600] [--concurrency 16]
"""

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PAGES = [
    ("home", "/"),
    ("sign-in page", "/login"),
    ("create account page", "/createaccount.aspx"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(target: str, env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "--config",
            str(ROOT / "bench" / "gunicorn_conf.py"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            target,
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            fetch(port, "/")
            return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{target} did not start on port {port}")


def fetch(port: int, path: str) -> float:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        if response.status >= 500:
            raise RuntimeError(f"{path} answered {response.status}")
    finally:
        conn.close()
    return time.perf_counter() - started


def load(port: int, path: str, requests: int, concurrency: int) -> dict:
    for _ in range(20):
        fetch(port, path)
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = list(pool.map(lambda _: fetch(port, path), range(requests)))
    elapsed = time.perf_counter() - started
    return {
        "rps": requests / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": statistics.quantiles(latencies, n=20)[-1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    env = {
        **os.environ,
        "STOREFRONT_DATABASE_URL": f"sqlite:///{scratch}/storefront.sqlite",
        "AIM_DATABASE_URL": f"sqlite:///{scratch}/aim.sqlite",
        "SECRET_KEY": "bench",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    subprocess.run(
        [*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    subprocess.run(
        [*flask, "demo-data"], cwd=ROOT, env=env, check=True, capture_output=True
    )

    hello, hello_port = serve("bench.hello:app", env, args.workers)
    app, app_port = serve("wsgi:app", env, args.workers)
    try:
        base = load(hello_port, "/", args.requests, args.concurrency)
        print(
            f"hello: {base['rps']:.0f} req/s, p50 {base['p50_ms']:.1f} ms "
            f"({args.requests} requests, {args.concurrency} clients, "
            f"{args.workers} workers)"
        )
        print(
            f"{'page':<22}{'req/s vs hello':>16}{'p50 vs hello':>14}"
            f"{'p95 vs hello':>14}"
        )
        for name, path in PAGES:
            got = load(app_port, path, args.requests, args.concurrency)
            print(
                f"{name:<22}{got['rps'] / base['rps']:>16.2f}"
                f"{got['p50_ms'] / base['p50_ms']:>14.2f}"
                f"{got['p95_ms'] / base['p95_ms']:>14.2f}"
            )
    finally:
        for process in (hello, app):
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
