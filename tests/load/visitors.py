"""HTTP clients for the load tests: visitors with their own cookies, in bursts."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

REQUEST_TIMEOUT = 30
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Visitor:
    """One browser-like HTTP client with its own cookies: a person at a desk."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()
        # A fresh connection per request: a kept-alive one that gunicorn closes
        # while idle (its keepalive is 2 s) can be reset under the next request.
        self.http.headers["Connection"] = "close"

    def another_tab(self) -> "Visitor":
        """The same signed-in person in another tab: a client sharing the cookies.

        requests.Session is not meant to be shared between threads.
        """
        tab = Visitor(self.base_url)
        tab.http.cookies.update(self.http.cookies)
        return tab

    def get(self, path: str, **kwargs):
        return self.http.get(self.base_url + path, timeout=REQUEST_TIMEOUT, **kwargs)

    def post(self, path: str, data: dict, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        return self.http.post(
            self.base_url + path, data=data, timeout=REQUEST_TIMEOUT, **kwargs
        )

    def token(self, path: str) -> str:
        """The CSRF token of the form on the page at path."""
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code)
        match = CSRF_TOKEN.search(response.text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def sign_in(self, path: str, name_field: str, name: str, password: str) -> None:
        token = self.token(path)
        response = self.post(
            path, {"csrf_token": token, name_field: name, "password": password}
        )
        assert response.status_code == 302, (path, response.status_code)


def all_at_once(tasks, timeout: float = 60) -> list:
    """Run the callables in threads released together; their results, in order."""
    barrier = threading.Barrier(len(tasks), timeout=timeout)

    def run(task):
        barrier.wait()
        return task()

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        futures = [pool.submit(run, task) for task in tasks]
        return [future.result(timeout=timeout) for future in futures]
