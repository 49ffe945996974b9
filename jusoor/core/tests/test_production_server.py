"""The production configuration serves real requests: gunicorn with the shipped config file,
production settings, collected static files, HTTPS enforced."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from jusoor.core.paths import REPOSITORY


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback only)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def production_server(tmp_path: Path):
    env = {
        **os.environ,
        "JUSOOR_ENV": "production",
        "SECRET_KEY": "production-test-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "JUSOOR_PII_KEY": "dGVzdC1rZXktMzItYnl0ZXMtbG9uZy0xMjM0NTY3ODk=",
        "JUSOOR_DATA_DIR": str(tmp_path),
        "JUSOOR_WEB_WORKERS": "2",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    python = sys.executable
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        subprocess.run(
            [python, "manage.py", *command, "-v", "0"],
            cwd=REPOSITORY,
            env=env,
            check=True,
            timeout=300,
        )
    port = free_port()
    env["JUSOOR_BIND"] = f"127.0.0.1:{port}"
    gunicorn = Path(python).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", "deploy/gunicorn.conf.py", "jusoor.wsgi"],
        cwd=REPOSITORY,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=20)


def test_plain_http_is_sent_to_https(production_server):
    status, headers, _body = fetch(production_server + "/", {})
    assert status == 301 and headers["Location"].startswith("https://")


def test_pages_behind_the_proxy_carry_the_security_headers(production_server):
    status, headers, body = fetch(production_server + "/gazetteer/", {"X-Forwarded-Proto": "https"})
    assert status == 200
    assert "max-age=" in headers["Strict-Transport-Security"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert 'dir="rtl"' in body.decode()


def test_static_files_are_served_compressed_and_versioned(production_server):
    _status, _headers, body = fetch(
        production_server + "/gazetteer/", {"X-Forwarded-Proto": "https"}
    )
    css = next(
        part.split('"')[0]
        for part in body.decode().split('href="')[1:]
        if part.startswith("/static/")
    )
    assert ".css" in css and css != "/static/jusoor/jusoor.css"  # hashed name
    status, headers, _ = fetch(
        production_server + css, {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}
    )
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    assert "immutable" in headers.get("Cache-Control", "") or "max-age" in headers.get(
        "Cache-Control", ""
    )
