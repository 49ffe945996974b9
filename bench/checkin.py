"""Benchmark of the door: bursts of concurrent check-ins against a production-configured server.

The issue: 200 arrivals that would come over ten minutes, compressed into a burst on loopback;
p95 latency under 100 ms, none lost.

Burst shape (the default): **6 doors**. A 200-person conference entrance has two or three desks
with two check-in phones each. Six phones firing with **no pause between people** is stricter
than any real morning: a facilitator needs two to three seconds per person to scan a QR code and
greet them, so six real phones bring at most two to three check-ins a second, where this
benchmark drives as many as the server can take. Each door signs in once, then all start at the
same instant and take the next code from a shared queue of arrivals until none is left.
``--doors 20`` (the earlier shape) is a queueing test of the server rather than of a door.

A throwaway instance (temporary data directory, production settings, SQLite or a throwaway
PostgreSQL database) gets an event with ``arrivals × runs`` confirmed registrations and a
facilitator; gunicorn starts with the shipped ``deploy/gunicorn.conf.py`` and its defaults
(``2 × cores + 1`` sync workers; ``--workers``/``--threads`` override them through the same
environment variables an operator would set) on a free loopback port. Each run is a burst of
``arrivals`` fresh codes; latency is from sending the POST to having the answer page (the door
answers the POST with the page itself; a redirect, if any, is followed and counted). After the
runs the database is counted: every code checked in exactly once, one audit event each, none
lost; then 20 codes already used are posted again: each must get the "already used" answer and
change nothing. The figures printed are per run and the median over the runs.

    .venv/bin/python bench/checkin.py
    .venv/bin/python bench/checkin.py --doors 20 --runs 5
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

    def check_in(self, path: str, token: str, code: str) -> tuple[float, str, str]:
        """(ms until the answer is on the phone, message class, message text).

        The door answers the POST with the page itself; a redirect (as older versions sent) is
        followed and its page counted in the latency.
        """
        start = time.perf_counter()
        status, location, page = self.request(
            "POST", path, {"code": code, "session": "", "csrfmiddlewaretoken": token}
        )
        if status == 302:
            status, _, page = self.request("GET", urllib.parse.urlsplit(location).path or path)
        done = time.perf_counter()
        found = re.search(r'<li class="message ([^"]*)">(.*?)</li>', page, re.S)
        kind, text = (found.group(1).strip(), found.group(2)) if found else (f"http-{status}", "")
        return (done - start) * 1000, kind, text


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = q / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def burst(port: int, path: str, codes: list[str], doors: int) -> tuple[list[tuple], float]:
    """Every door signs in, then all start together and take the arrivals' codes in turn."""
    work: queue.Queue[str] = queue.Queue()
    for code in codes:
        work.put(code)
    results: list[tuple] = []
    failures: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(doors + 1, timeout=120)

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
                outcome = (float("nan"), "exception", repr(exc))
            with lock:
                results.append((code, *outcome))

    threads = [threading.Thread(target=door, daemon=True) for _ in range(doors)]
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


def median(values: list[float]) -> float:
    return percentile(values, 50)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arrivals", type=int, default=200, help="arrivals per burst")
    parser.add_argument(
        "--doors", "--clients", type=int, default=6, help="check-in phones at once (6)"
    )
    parser.add_argument("--runs", type=int, default=3, help="bursts; the median is reported")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (default: deploy/gunicorn.conf.py's)"
    )
    parser.add_argument(
        "--threads", type=int, help="threads per worker; above 1 gunicorn uses gthread workers"
    )
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
        "JUSOOR_BIND": f"127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }
    for name in (
        "DATABASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DJANGO_SETTINGS_MODULE",
        "JUSOOR_WEB_WORKERS",
        "JUSOOR_WEB_THREADS",
        "REDIS_URL",
    ):
        env.pop(name, None)
    if args.workers:
        env["JUSOOR_WEB_WORKERS"] = str(args.workers)
    if args.threads:
        env["JUSOOR_WEB_THREADS"] = str(args.threads)
    workers = args.workers or (os.cpu_count() or 1) * 2 + 1
    threads = args.threads or 1
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
    runs: list[dict] = []
    try:
        print(f"setting up a throwaway {backend} instance in {data_dir} ...", flush=True)
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        setup = manage(
            env,
            "shell",
            "-c",
            SETUP
            % {
                "username": USERNAME,
                "password": PASSWORD,
                "arrivals": args.arrivals * args.runs,
            },
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
        # Every worker imports and connects before the first burst, as on a server that has
        # been up since the evening before.
        warm = Client(port)
        warm_token = warm.sign_in(path)
        for _ in range(workers * threads * 2):
            warm.request("GET", path)
        del warm_token

        print(
            f"{args.runs} bursts of {args.arrivals} arrivals at {args.doors} doors at once, "
            f"no pause between people; gunicorn {workers} workers × {threads} threads, {backend}"
        )
        print(f"{'run':<5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'per s':>7} {'errors':>7}")
        for run in range(args.runs):
            batch = codes[run * args.arrivals : (run + 1) * args.arrivals]
            results, wall = burst(port, path, batch, args.doors)
            trips = [r[1] for r in results if r[2] == "success"]
            errors = [r for r in results if r[2] != "success" or r[0] not in r[3]]
            runs.append(
                {
                    "p50": percentile(trips, 50),
                    "p95": percentile(trips, 95),
                    "max": max(trips, default=float("nan")),
                    "rate": len(results) / wall,
                    "errors": errors,
                    "unanswered": len(batch) - len(results),
                }
            )
            r = runs[-1]
            print(
                f"{run + 1:<5} {r['p50']:8.1f} {r['p95']:8.1f} {r['max']:8.1f} "
                f"{r['rate']:7.0f} {len(errors):7d}",
                flush=True,
            )
            for code, _, kind, text in errors[:5]:
                print(f"  {code}: {kind} {text[:120]}", file=sys.stderr)

        after = manage(env, "shell", "-c", COUNT % {"event": setup["event"]}, marker="COUNT")
        assert after is not None
        checked = after["checked_in"]
        lost = sum(1 for code in codes if not checked.get(code))
        double = sum(1 for code in codes if after["audit"].get(code, 0) > 1)

        # Repeats: codes already used must be refused and change nothing.
        repeat_codes = codes[: args.repeats]
        client = Client(port)
        token = client.sign_in(path)
        repeats = [client.check_in(path, token, code) for code in repeat_codes]
        refused = sum(
            1
            for code, (_, kind, text) in zip(repeat_codes, repeats, strict=True)
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

    p50 = median([r["p50"] for r in runs])
    p95 = median([r["p95"] for r in runs])
    worst = max(r["max"] for r in runs)
    rate = median([r["rate"] for r in runs])
    errors = sum(len(r["errors"]) for r in runs)
    unanswered = sum(r["unanswered"] for r in runs)
    print()
    print(f"median of {len(runs)} runs: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {rate:.0f} check-ins/s")
    print(f"errors (wrong answer or HTTP): {errors}; unanswered: {unanswered}")
    print(f"database: {len(codes) - lost} of {len(codes)} checked in, lost {lost}, double {double}")
    print(
        f"repeats: {refused}/{len(repeat_codes)} answered 'already used'; "
        f"database unchanged: {unchanged}"
    )
    print(f"audit chain intact: {chain_ok}")
    print(f"target p95 < 100 ms: {'met' if p95 < 100 else 'NOT met'} ({p95:.1f} ms)")
    ok = not errors and not unanswered and not lost and not double
    ok = ok and refused == len(repeat_codes) and unchanged and chain_ok
    print(
        f"BENCH checkin arrivals={args.arrivals} p95_ms={p95:.1f} lost={lost} p50_ms={p50:.1f} "
        f"max_ms={worst:.1f} rate_per_s={rate:.0f} errors={errors} double={double} "
        f"repeats_refused={refused}/{len(repeat_codes)} doors={args.doors} runs={len(runs)} "
        f"workers={workers} threads={threads} backend={backend}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
