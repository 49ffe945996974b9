"""Benchmark of the door: a burst of concurrent check-ins against a production-configured server.

200 arrivals that would come over ten minutes are compressed into one burst: a throwaway instance
(temporary data directory, production settings, SQLite or a throwaway PostgreSQL database) gets an
event with 200 confirmed registrations and a facilitator; gunicorn starts with the shipped
``deploy/gunicorn.conf.py`` (2 workers) on a free loopback port; N clients sign in once each, then
all POST the check-in form at the same moment, one code per arrival, and each request's latency is
measured (the POST, and the POST plus the page it redirects to, which carries the answer). The
database is then counted: every code checked in exactly once, none lost, none double-counted.
Finally 20 codes already used are posted again: each must get the "already used" answer and
change nothing.

    .venv/bin/python bench/checkin.py
    .venv/bin/python bench/checkin.py --clients 40
    .venv/bin/python bench/checkin.py --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
PYTHON = Path(sys.executable)
USERNAME = "door-facilitator"
PASSWORD = "door-bench-password-2026"  # noqa: S105  (throwaway instance only)

SETUP = """
import json
from types import SimpleNamespace
from jusoor.accounts.roles import Role
from jusoor.conftest import make_organisation, make_project, make_user
from jusoor.events import services
from jusoor.events.models import RegistrationStatus
from jusoor.events.tests.builders import make_event
from jusoor.people.tests.builders import make_person

shams = make_organisation("shams")
project = make_project(shams)
event = make_event(SimpleNamespace(shams=shams, project=project), slug="door-bench")
user = make_user("%(username)s", shams, Role.FACILITATOR, language="en")
user.set_password("%(password)s")
user.save()
codes = []
for i in range(%(arrivals)d):
    person = make_person(shams, name=f"مشارك رقم {i}", phone=f"0770{i:07d}")
    registration, _ = services.register(None, event, person)
    assert registration.status == RegistrationStatus.CONFIRMED
    codes.append(registration.code)
print("SETUP " + json.dumps({"event": event.pk, "codes": codes}))
"""

COUNT = """
import json
from collections import Counter
from jusoor.core.models import AuditEvent, verify_chain
from jusoor.events.models import Attendance, Registration
rows = Registration.objects.filter(event_id=%(event)d)
audit = Counter(
    (e.data or {}).get("registration")
    for e in AuditEvent.objects.filter(action="event.check_in")
)
print("COUNT " + json.dumps({
    "checked_in": {r.code: r.checked_in_at.isoformat() if r.checked_in_at else None for r in rows},
    "audit": dict(audit),
    "attendance": Attendance.objects.count(),
    "chain_broken": verify_chain()[1] is not None,
}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str, marker: str | None = None) -> dict | None:
    done = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=REPOSITORY,
        env=env,
        check=True,
        timeout=600,
        capture_output=True,
        text=True,
    )
    if marker is None:
        return None
    for line in done.stdout.splitlines():
        if line.startswith(marker + " "):
            return json.loads(line[len(marker) + 1 :])
    raise RuntimeError(f"no {marker} line in: {done.stdout[-2000:]} {done.stderr[-2000:]}")


class Client:
    """One door: a browser-like client with its own cookies, over plain HTTP on loopback, telling
    the app it is behind the HTTPS proxy (cookies are Secure, so they are kept here by hand)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": "en",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                parsed = http.cookies.SimpleCookie()
                parsed.load(header)
                for name, morsel in parsed.items():
                    if morsel.value in ("", '""') or morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            location = response.headers.get("Location", "")
            return response.status, location, text
        finally:
            connection.close()

    @staticmethod
    def csrf(page: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not found:
            raise RuntimeError("no CSRF token on the page")
        return found.group(1)

    def sign_in(self, check_in_path: str) -> str:
        _, _, page = self.request("GET", "/accounts/login/")
        status, _, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf(page)},
        )
        if status != 302:
            raise RuntimeError(f"sign-in answered {status}")
        status, _, page = self.request("GET", check_in_path)
        if status != 200:
            raise RuntimeError(f"check-in page answered {status}")
        return self.csrf(page)

    def check_in(self, path: str, token: str, code: str) -> tuple[float, float, str, str]:
        """(POST ms, POST + redirected page ms, message class, message text)."""
        start = time.perf_counter()
        status, location, _ = self.request(
            "POST", path, {"code": code, "session": "", "csrfmiddlewaretoken": token}
        )
        posted = time.perf_counter()
        if status != 302:
            return (posted - start) * 1000, (posted - start) * 1000, f"http-{status}", ""
        status, _, page = self.request("GET", urllib.parse.urlsplit(location).path or path)
        done = time.perf_counter()
        found = re.search(r'<li class="message ([^"]*)">(.*?)</li>', page, re.S)
        kind, text = (found.group(1).strip(), found.group(2)) if found else (f"http-{status}", "")
        return (posted - start) * 1000, (done - start) * 1000, kind, text


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = q / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def burst(port: int, path: str, codes: list[str], clients: int) -> tuple[list[tuple], int]:
    """Every client signs in, then all start together and share the arrivals' codes."""
    work: queue.Queue[str] = queue.Queue()
    for code in codes:
        work.put(code)
    results: list[tuple] = []
    failures: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1, timeout=120)

    def door() -> None:
        client = Client(port)
        try:
            token = client.sign_in(path)
        except Exception as exc:  # noqa: BLE001  (counted and reported)
            with lock:
                failures.append(repr(exc))
            ready.wait()
            return
        ready.wait()
        while True:
            try:
                code = work.get_nowait()
            except queue.Empty:
                return
            try:
                outcome = client.check_in(path, token, code)
            except Exception as exc:  # noqa: BLE001
                outcome = (float("nan"), float("nan"), "exception", repr(exc))
            with lock:
                results.append((code, *outcome))

    threads = [threading.Thread(target=door, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join(timeout=300)
    wall = time.perf_counter() - start
    if failures:
        print(f"sign-in failures: {len(failures)} e.g. {failures[0]}", file=sys.stderr)
    return results, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arrivals", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--postgres", metavar="URL", help="server URL; a throwaway database is made"
    )
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="jusoor-bench-checkin-"))
    port = free_port()
    env = {
        **os.environ,
        "JUSOOR_ENV": "production",
        "SECRET_KEY": "bench-checkin-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "JUSOOR_PII_KEY": "dGVzdC1rZXktMzItYnl0ZXMtbG9uZy0xMjM0NTY3ODk=",
        "JUSOOR_DATA_DIR": str(data_dir),
        "JUSOOR_TWO_FACTOR": "off",
        "JUSOOR_WEB_WORKERS": str(args.workers),
        "JUSOOR_BIND": f"127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    backend = "sqlite"
    database = ""
    server_url = ""
    if args.postgres:
        backend = "postgresql"
        server_url = args.postgres
        database = f"jusoor_bench_checkin_{os.getpid()}"
        parts = urllib.parse.urlsplit(server_url)
        env["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path="/" + database))
        subprocess.run(
            ["psql", server_url, "-q", "-c", f'CREATE DATABASE "{database}"'],
            check=True,
            timeout=60,
        )
    server = None
    try:
        print(f"setting up a throwaway {backend} instance in {data_dir} ...", flush=True)
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        setup = manage(
            env,
            "shell",
            "-c",
            SETUP % {"username": USERNAME, "password": PASSWORD, "arrivals": args.arrivals},
            marker="SETUP",
        )
        assert setup is not None
        codes: list[str] = setup["codes"]
        path = f"/workspace/events/{setup['event']}/check-in/"

        server = subprocess.Popen(
            [str(PYTHON.with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py", "jusoor.wsgi"],
            cwd=REPOSITORY,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = Client(port).request("GET", "/accounts/login/")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn did not come up")
            time.sleep(0.2)

        results, wall = burst(port, path, codes, args.clients)
        after = manage(env, "shell", "-c", COUNT % {"event": setup["event"]}, marker="COUNT")
        assert after is not None

        posts = [r[1] for r in results if r[3] == "success"]
        trips = [r[2] for r in results if r[3] == "success"]
        errors = [r for r in results if r[3] != "success" or r[0] not in r[4]]
        checked = after["checked_in"]
        lost = sum(1 for code in codes if not checked.get(code))
        double = sum(1 for code in codes if after["audit"].get(code, 0) > 1)
        unanswered = len(codes) - len(results)

        # Repeats: codes already used must be refused and change nothing.
        repeat_codes = codes[: args.repeats]
        client = Client(port)
        token = client.sign_in(path)
        repeats = [client.check_in(path, token, code) for code in repeat_codes]
        refused = sum(
            1
            for code, (_, _, kind, text) in zip(repeat_codes, repeats, strict=True)
            if "error" in kind and f"The code {code} was already used" in text
        )
        final = manage(env, "shell", "-c", COUNT % {"event": setup["event"]}, marker="COUNT")
        assert final is not None
        unchanged = final["checked_in"] == checked and final["audit"] == after["audit"]
        chain_ok = not final["chain_broken"]
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        if database:
            subprocess.run(
                [
                    "psql",
                    server_url,
                    "-q",
                    "-c",
                    f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
                ],
                check=False,
                timeout=60,
            )
        shutil.rmtree(data_dir, ignore_errors=True)

    p50 = percentile(trips, 50)
    p95 = percentile(trips, 95)
    print()
    print(
        f"{len(codes)} arrivals, {args.clients} clients, {args.workers} gunicorn workers, {backend}"
    )
    print(f"burst wall time {wall:.2f} s ({len(results) / wall:.0f} check-ins/s)")
    print(f"{'latency (ms)':<28} {'p50':>8} {'p95':>8} {'max':>8}")
    for label, values in (("POST check-in", posts), ("POST + answer page", trips)):
        if values:
            print(
                f"{label:<28} {percentile(values, 50):8.1f} {percentile(values, 95):8.1f} "
                f"{max(values):8.1f}"
            )
    print(f"errors (wrong answer or HTTP): {len(errors)}; unanswered: {unanswered}")
    for code, _, _, kind, text in errors[:5]:
        print(f"  {code}: {kind} {text[:120]}", file=sys.stderr)
    print(f"database: {len(codes) - lost} checked in, lost {lost}, double-counted {double}")
    print(
        f"repeats: {refused}/{len(repeat_codes)} answered 'already used'; "
        f"database unchanged: {unchanged}"
    )
    print(f"audit chain intact: {chain_ok}")
    print(f"target p95 < 100 ms: {'met' if p95 < 100 else 'NOT met'} ({p95:.1f} ms)")
    ok = not errors and not lost and not double and refused == len(repeat_codes) and unchanged
    ok = ok and chain_ok
    print(
        f"BENCH checkin arrivals={len(codes)} p95_ms={p95:.1f} lost={lost} p50_ms={p50:.1f} "
        f"post_p95_ms={percentile(posts, 95):.1f} max_ms={max(trips, default=float('nan')):.1f} "
        f"errors={len(errors)} double={double} repeats_refused={refused}/{len(repeat_codes)} "
        f"backend={backend} concurrency={args.clients} workers={args.workers}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
