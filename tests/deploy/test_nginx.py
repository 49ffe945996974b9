"""The shipped nginx configuration in front of gunicorn with production settings, in a browser.

``deploy/nginx/jusoor.conf`` is used as shipped, with only what a site changes put in for
loopback: the ports, the host name, a self-signed certificate made here with ``cryptography``,
the static root and log paths. gunicorn runs ``deploy/gunicorn.conf.py`` with
``JUSOOR_ENV=production`` against PostgreSQL when ``DATABASE_URL`` names it (in a database of
its own), else SQLite. Chromium then signs in through nginx over HTTPS, opens a project page,
and checks that the security headers and the static files come through.

Runs wherever ``nginx`` is installed (``make test`` installs Debian's ``nginx-light``).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from jusoor.core.paths import REPOSITORY
from jusoor.core.tests.test_production_server import fetch, free_port

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "nginx-test-Pa55word"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        NGINX is None, reason="nginx is not installed (apt-get install nginx-light)"
    ),
]


def make_certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def site_config(app_port: int, http_port: int, https_port: int, root: Path) -> str:
    """The shipped site configuration, with the values a site fills in set for loopback."""
    cert, key = make_certificate(root)
    text = (REPOSITORY / "deploy" / "nginx" / "jusoor.conf").read_text()
    replacements = [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("server_name jusoor.example.org;", "server_name localhost;"),
        ("https://$host$request_uri", f"https://$host:{https_port}$request_uri"),
        ("/etc/letsencrypt/live/jusoor.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/jusoor.example.org/privkey.pem", str(key)),
        ("/srv/jusoor/var/static/", f"{root}/static/"),
        ("/var/log/nginx/jusoor.access.log", f"{root}/access.log"),
    ]
    for old, new in replacements:
        assert old in text, f"deploy/nginx/jusoor.conf no longer has {old!r}"
        text = text.replace(old, new)
    return text


def main_config(site: str, root: Path) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {name}_temp_path {root}/{name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes 1;\npid {root}/nginx.pid;\nerror_log {root}/error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n    include /etc/nginx/mime.types;\n{temp}\n{site}\n}}\n"
    )


def _wait_for(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start")


def _database_url() -> tuple[str | None, str | None]:
    """A PostgreSQL database of this test's own when DATABASE_URL names a server, else none."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None, None
    import psycopg

    base, _slash, name = url.rpartition("/")
    name = (name.split("?")[0] or "jusoor") + "_nginx"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}", name


def _drop_database(url: str | None, name: str | None) -> None:
    if url and name:
        import psycopg

        base = url.rpartition("/")[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


SETUP = """
from jusoor.accounts.models import Membership, Organisation, User
from jusoor.programmes.models import Project
import datetime as dt
org = Organisation.objects.create(slug="shams", name_ar="منظمة شمس", name_en="Shams", kind="ngo")
user = User.objects.create_user(username="manager", password={password!r})
Membership.objects.create(user=user, organisation=org, role="programme_manager")
project = Project.objects.create(owner=org, slug="anbar", title_ar="مشروع الأنبار",
    title_en="Anbar project", start_date=dt.date(2023, 8, 1), end_date=dt.date(2023, 8, 30))
print(project.pk)
"""


@pytest.fixture
def behind_nginx(tmp_path: Path):  # type: ignore[no-untyped-def]
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "JUSOOR_ENV": "production",
        "SECRET_KEY": "nginx-test-" + "k" * 60,
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://localhost:{https_port}",
        "JUSOOR_PII_KEY": "dGVzdC1rZXktMzItYnl0ZXMtbG9uZy0xMjM0NTY3ODk=",
        "JUSOOR_DATA_DIR": str(tmp_path / "data"),
        "JUSOOR_WEB_WORKERS": "2",
        "JUSOOR_BIND": f"127.0.0.1:{app_port}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    database_url, database_name = _database_url()
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    python = sys.executable
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        subprocess.run(
            [python, "manage.py", *command, "-v", "0"],
            cwd=REPOSITORY,
            env=env,
            check=True,
            timeout=600,
        )
    project_pk = subprocess.run(
        [python, "manage.py", "shell", "-c", SETUP.format(password=PASSWORD)],
        cwd=REPOSITORY,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.strip()
    # nginx serves static files from its own copy, as a site would sync them.
    static_root = Path(env["JUSOOR_DATA_DIR"]) / "static"
    shutil.copytree(static_root, tmp_path / "static")
    gunicorn = subprocess.Popen(
        [str(Path(python).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py", "jusoor.wsgi"],
        cwd=REPOSITORY,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    config = tmp_path / "nginx.conf"
    config.write_text(main_config(site_config(app_port, http_port, https_port, tmp_path), tmp_path))
    nginx = None
    try:
        checked = subprocess.run(
            [NGINX, "-t", "-c", str(config), "-p", str(tmp_path)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
        nginx = subprocess.Popen(
            [NGINX, "-c", str(config), "-p", str(tmp_path), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _wait_for(app_port, gunicorn, "gunicorn")
        _wait_for(https_port, nginx, "nginx")
        yield {
            "https": f"https://localhost:{https_port}",
            "http": f"http://127.0.0.1:{http_port}",
            "project": int(project_pk.splitlines()[-1]),
            "root": tmp_path,
        }
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)
            nginx.wait(timeout=20)
        gunicorn.terminate()
        gunicorn.wait(timeout=40)
        _drop_database(database_url, database_name)


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (repeated ones joined with ", "), body."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url)  # noqa: S310 (loopback only)
    with urllib.request.urlopen(request, context=context, timeout=10) as response:  # noqa: S310
        headers = {k: ", ".join(response.headers.get_all(k)) for k in response.headers}
        return response.status, headers, response.read()


def test_browser_signs_in_and_works_through_nginx(behind_nginx):
    from playwright.sync_api import sync_playwright

    from tests.browser.test_public_page_and_workspace import FLAGS

    base = behind_nginx["https"]
    # Plain HTTP goes to HTTPS at nginx, before the app.
    status, headers, _ = fetch(behind_nginx["http"] + "/workspace/", {})
    assert status == 301 and headers["Location"].startswith(base.replace("localhost", "127.0.0.1"))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = browser.new_context(ignore_https_errors=True, locale="ar")
        page = context.new_page()
        response = page.goto(f"{base}/accounts/login/")
        assert response.status == 200
        assert "max-age=" in response.headers["strict-transport-security"]
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        page.fill("#id_username", "manager")
        page.fill("#id_password", PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_url(f"{base}/workspace/")
        response = page.goto(f"{base}/workspace/projects/{behind_nginx['project']}/")
        assert response.status == 200
        assert "مشروع الأنبار" in page.locator("h1").inner_text()
        assert page.locator("html").get_attribute("dir") == "rtl"
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"]
        stylesheet = page.locator("link[rel=stylesheet]").first.get_attribute("href")
        # The page rendered styled: the stylesheet arrived and applied.
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
        browser.close()

    assert stylesheet.startswith("/static/") and stylesheet != "/static/jusoor/jusoor.css"
    status, headers, body = _get(base + stylesheet)
    # nginx itself served it (its Cache-Control header, not the app's).
    assert status == 200 and b"{" in body
    assert "max-age=2592000" in headers["Cache-Control"]  # nginx's "expires 30d"
    assert "immutable" in headers["Cache-Control"]
    assert "nginx" in headers.get("Server", "")
    # Requests reached the app through the proxy with the visitor's address, and the log keeps
    # no query strings.
    log = (behind_nginx["root"] / "access.log").read_text()
    assert "POST /accounts/login/" in log and "?" not in log
