"""Benchmark of OpenRosa ingestion: ODK Collect submissions per second over HTTP.

For SQLite and then PostgreSQL, a throwaway instance (temporary data directory, production
settings, a fresh database) gets a project, a form with personal-data questions and an
enumerator's app token. gunicorn starts with the shipped ``deploy/gunicorn.conf.py`` on a free
loopback port with its defaults (sync workers, two per core plus one) unless the command line
says otherwise, and
concurrent clients POST submissions the way ODK Collect does with an app token: the token in the
URL as ODK Central does it (no password to hash per request), one HEAD per client first, then
``multipart/form-data`` with the XML in ``xml_submission_file``, over kept-alive connections.
One send in fifty repeats the previous submission byte for byte (a retry), which must answer 202.

Measured: sustained submissions/s over the timed window, p50 and p99 latency; then, in the same
run and on the same database, the raw insert rate of the very rows the server stored (one INSERT
and one COMMIT per row, on one connection): the physical limit the server's rate is a fraction
of. Finally the database is counted against the clients' receipts: every submission answered 201
or 202 stored, none twice.

    .venv/bin/python bench/ingest.py
    .venv/bin/python bench/ingest.py --seconds 5 --backend sqlite
    .venv/bin/python bench/ingest.py --workers 3 --threads 4 --clients 24
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
PYTHON = Path(sys.executable)
POSTGRES = "postgres://postgres@127.0.0.1:5432/jusoor_bench_ingest"
BOUNDARY = "----jusoor-bench-3f1c2a"
CPUS = os.cpu_count() or 2

SETUP = """
import json
from jusoor.accounts.roles import Role
from jusoor.conftest import make_organisation, make_project, make_user
from jusoor.surveys import services
from jusoor.surveys.tests.factories import make_form

shams = make_organisation("shams")
project = make_project(shams)
form = make_form(project)
enumerator = make_user("bench-enumerator", shams, Role.ENUMERATOR, language="ar")
_token, raw = services.create_token(enumerator, project, [form], "bench phone")
print("SETUP " + json.dumps({"project": project.pk, "token": raw, "form": form.pk}))
"""

# The database's own speed for the rows the server stored: copy them, one committed INSERT each.
RAW_INSERT = """
import json, threading, time
from django.db import connection, connections, transaction
from jusoor.surveys.models import Submission
table = Submission._meta.db_table
columns = [f.column for f in Submission._meta.concrete_fields if not f.primary_key]
quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
with connection.cursor() as cursor:
    cursor.execute(f"SELECT {quoted} FROM {table} ORDER BY id LIMIT %(rows)d")
    rows = cursor.fetchall()
    cursor.execute("DROP TABLE IF EXISTS bench_raw_submission")
    if connection.vendor == "postgresql":
        cursor.execute(f"CREATE TABLE bench_raw_submission (LIKE {table} INCLUDING ALL)")
    else:
        cursor.execute(f"CREATE TABLE bench_raw_submission AS SELECT * FROM {table} WHERE 0")
        cursor.execute(
            "CREATE UNIQUE INDEX bench_raw_unique ON bench_raw_submission (form_id, instance_id)"
        )
index = columns.index("instance_id")
marks = ", ".join(["%%s"] * len(columns))
sql = f"INSERT INTO bench_raw_submission ({quoted}) VALUES ({marks})"


def insert(batch, prefix):
    for row in batch:
        row = list(row)
        row[index] = prefix + row[index]
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, row)
    connections.close_all()


start = time.perf_counter()
insert(rows, "one-")
single = time.perf_counter() - start
threads = [
    threading.Thread(target=insert, args=(rows[i::%(connections)d], "many-"))
    for i in range(%(connections)d)
]
start = time.perf_counter()
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
concurrent = time.perf_counter() - start
with connection.cursor() as cursor:
    cursor.execute("DROP TABLE bench_raw_submission")
print("RAW " + json.dumps({"rows": len(rows), "single": single, "concurrent": concurrent}))
"""

# The audit chain alone, on PostgreSQL: concurrent connections each commit audit events, as
# written now (sealed after the commit by whoever holds the chain), and with a lock held from
# before the insert until the commit, as each event was chained before: that lock made commits
# wait for each other's disk syncs.
AUDIT_RATE = """
import json, threading, time
from django.db import connection, connections, transaction
from jusoor.core.models import AuditEvent, verify_chain

def writer(count, locked):
    for n in range(count):
        with transaction.atomic():
            if locked:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(1)")
            AuditEvent.objects.create(action="bench.audit", object_id=str(n))
    connections.close_all()

rates = {}
for locked in (True, False):
    threads = [threading.Thread(target=writer, args=(%(per)d, locked)) for _ in range(%(connections)d)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rates["locked" if locked else "sealed"] = %(per)d * %(connections)d / (time.perf_counter() - start)
checked, broken = verify_chain()
rates["chain_intact"] = broken is None
print("AUDIT " + json.dumps(rates))
"""

# Counted against the receipts: lost = acknowledged but absent; duplicated = stored twice.
COUNT = """
import json, os
from collections import Counter
from django.core.files.storage import default_storage
from jusoor.surveys.models import Attachment, Submission
acknowledged = json.load(open(%(receipts)r))
stored = Counter(Submission.objects.values_list("instance_id", flat=True))
# Half-written: acknowledged, stored, but a photo missing or not whole on disk.
on_disk = {}
for sid, name, path in Attachment.objects.values_list("submission__instance_id", "name", "file"):
    size = default_storage.size(path) if default_storage.exists(path) else -1
    on_disk.setdefault(sid, {})[name] = size
half = sum(
    1
    for sid, files in acknowledged.get("attachments", {}).items()
    if stored.get(sid) and any(on_disk.get(sid, {}).get(n) != s for n, s in files.items())
)
print("COUNT " + json.dumps({
    "rows": sum(stored.values()),
    "lost": sum(1 for i in acknowledged["ids"] if not stored.get(i)),
    "duplicated": sum(1 for n in stored.values() if n > 1),
    "half_written": half,
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
        check=False,
        timeout=900,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed: {done.stderr[-3000:]}")
    if marker is None:
        return None
    for line in done.stdout.splitlines():
        if line.startswith(marker + " "):
            return json.loads(line[len(marker) + 1 :])
    raise RuntimeError(f"no {marker} line in: {done.stdout[-2000:]} {done.stderr[-2000:]}")


def submission_xml(instance_id: str, n: int) -> bytes:
    """What Collect sends for the test form: personal answers included (they are sealed)."""
    sex = "female" if n % 2 else "male"
    return (
        '<?xml version="1.0" ?><data xmlns:jr="http://openrosa.org/javarosa" '
        'xmlns:orx="http://openrosa.org/xforms" id="pve_survey" version="1">'
        f"<respondent>مستجيب رقم {n}</respondent><sex>{sex}</sex><age>{18 + n % 60}</age>"
        f"<causes>poverty injustice</causes><trust><police>{1 + n % 3}</police></trust>"
        "<household><member_name>حسن</member_name><member_age>12</member_age></household>"
        f"<meta><instanceID>{instance_id}</instanceID></meta></data>"
    ).encode()


def multipart(xml: bytes, media: dict[str, bytes] | None = None) -> bytes:
    parts = [("xml_submission_file", "submission.xml", "text/xml", xml)]
    parts += [(name, name, "image/jpeg", content) for name, content in (media or {}).items()]
    chunks = []
    for name, filename, kind, content in parts:
        chunks.append(
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    return b"".join(chunks) + f"--{BOUNDARY}--\r\n".encode()


class Collect:
    """One phone: a kept-alive connection and ODK Collect's headers."""

    def __init__(self, port: int, path: str, timeout: float = 30) -> None:
        self.port = port
        self.path = path
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def headers(self) -> dict[str, str]:
        return {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",  # as the TLS proxy in front of gunicorn says
            "X-OpenRosa-Version": "1.0",
            "User-Agent": "org.odk.collect.android/v2024.2.4 Dalvik/2.1.0 (Linux; Android 13)",
            "Accept-Encoding": "gzip",
            "Date": formatdate(usegmt=True),
        }

    def send(self, method: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = self.headers()
        if body is not None:
            headers["Content-Type"] = f"multipart/form-data; boundary={BOUNDARY}"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout
                )
            try:
                self.connection.request(method, self.path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                if response.will_close:
                    self.close()
                return response.status, content
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A kept-alive connection the server had already closed: open a new one once.
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def machine_busy_seconds() -> float:
    """CPU seconds every core of this machine has spent busy since boot."""
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def pids_cpu_seconds(pids: list[int]) -> dict[int, float]:
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / tick
    return found


def tree_cpu_seconds(root: int) -> float:
    """CPU time (user + system) of a process and its descendants, the reaped ones included."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        parents[pid] = int(fields[1])
        # utime, stime, and the children's cutime, cstime (workers the master reaped)
        times[pid] = sum(int(value) for value in fields[11:15]) / tick
    total = 0.0
    for pid, cpu in times.items():
        ancestor = pid
        while ancestor not in (root, 0, 1) and ancestor in parents:
            ancestor = parents[ancestor]
        if ancestor == root:
            total += cpu
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = q / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Instance:
    """A throwaway Jusoor: data directory, database, environment, setup objects."""

    backend: str
    postgres: str
    workers: int
    threads: int
    data_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="jusoor-bench-")))
    port: int = field(default_factory=free_port)
    database_url: str = ""
    env: dict[str, str] = field(default_factory=dict)
    setup: dict = field(default_factory=dict)
    server: subprocess.Popen | None = None
    gunicorn_conf: str = "deploy/gunicorn.conf.py"

    def __post_init__(self) -> None:
        self.env = {
            **os.environ,
            "JUSOOR_ENV": "production",
            "SECRET_KEY": "bench-ingest-" + "k" * 60,
            "ALLOWED_HOSTS": "127.0.0.1",
            "JUSOOR_PII_KEY": "dGVzdC1rZXktMzItYnl0ZXMtbG9uZy0xMjM0NTY3ODk=",
            "JUSOOR_DATA_DIR": str(self.data_dir),
            "MEDIA_ROOT": str(self.data_dir / "media"),
            "JUSOOR_TWO_FACTOR": "off",
            "JUSOOR_WEB_WORKERS": str(self.workers),
            "JUSOOR_WEB_THREADS": str(self.threads),
            "JUSOOR_BIND": f"127.0.0.1:{self.port}",
        }
        for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"):
            self.env.pop(name, None)
        if self.backend == "postgresql":
            parts = urllib.parse.urlsplit(self.postgres)
            self.database_url = self.postgres
            self.env["DATABASE_URL"] = self.postgres
            admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
            name = parts.path.lstrip("/")
            for sql in (
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                f'CREATE DATABASE "{name}"',
            ):
                subprocess.run(["psql", admin, "-q", "-c", sql], check=True, timeout=60)

    def prepare(self) -> None:
        manage(self.env, "migrate", "--no-input", "-v", "0")
        manage(self.env, "collectstatic", "--no-input", "-v", "0")
        self.setup = manage(self.env, "shell", "-c", SETUP, marker="SETUP") or {}

    def database_pids(self) -> list[int]:
        """PostgreSQL's server processes serving this instance (their CPU is the database's)."""
        if self.backend != "postgresql":
            return []
        done = subprocess.run(
            [
                "psql",
                self.postgres,
                "-Atc",
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        return [int(line) for line in done.stdout.split() if line.isdigit()]

    @property
    def submission_path(self) -> str:
        return f"/openrosa/key/{self.setup['token']}/projects/{self.setup['project']}/submission"

    def start(self, timeout: float = 60) -> None:
        self.server = subprocess.Popen(
            [str(PYTHON.with_name("gunicorn")), "-c", self.gunicorn_conf, "jusoor.wsgi"],
            cwd=REPOSITORY,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                status, _ = Collect(self.port, self.submission_path, timeout=5).send("HEAD")
                if status == 204:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline or self.server.poll() is not None:
                raise RuntimeError("gunicorn did not come up")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.server is None:
            return
        self.server.terminate()
        try:
            self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait(timeout=10)
        self.server = None

    def count(self, ids: list[str], attachments: dict[str, dict[str, int]] | None = None) -> dict:
        receipts = self.data_dir / "receipts.json"
        receipts.write_text(json.dumps({"ids": ids, "attachments": attachments or {}}))
        return manage(self.env, "shell", "-c", COUNT % {"receipts": str(receipts)}, marker="COUNT")

    def raw_insert(self, rows: int, connections: int) -> dict:
        script = RAW_INSERT % {"rows": rows, "connections": connections}
        return manage(self.env, "shell", "-c", script, marker="RAW") or {}

    def audit_rate(self, per: int, connections: int) -> dict:
        script = AUDIT_RATE % {"per": per, "connections": connections}
        return manage(self.env, "shell", "-c", script, marker="AUDIT") or {}

    def cleanup(self) -> None:
        self.stop()
        if self.backend == "postgresql":
            parts = urllib.parse.urlsplit(self.postgres)
            admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
            name = parts.path.lstrip("/")
            subprocess.run(
                ["psql", admin, "-q", "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
                check=False,
                timeout=60,
            )
        shutil.rmtree(self.data_dir, ignore_errors=True)


def load(instance: Instance, clients: int, seconds: float, warmup: float) -> dict:
    """Closed-loop clients for warm-up + ``seconds``; only the timed window is counted."""
    results: list[tuple[float, float, int]] = []  # (start, latency ms, status)
    acknowledged: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    begin = time.monotonic() + 0.5
    timed_from = begin + warmup
    stop_at = timed_from + seconds

    def phone(number: int) -> None:
        collect = Collect(instance.port, instance.submission_path)
        try:
            collect.send("HEAD")  # Collect asks once per upload session
        except OSError as exc:
            with lock:
                errors.append(repr(exc))
            return
        while time.monotonic() < begin:
            time.sleep(0.01)
        n = 0
        previous: tuple[str, bytes] | None = None
        while time.monotonic() < stop_at:
            n += 1
            if previous is not None and n % 50 == 0:
                instance_id, body = previous  # a retry of the last one: 202 expected
            else:
                instance_id = f"uuid:{uuid.uuid4()}"
                body = multipart(submission_xml(instance_id, number * 100000 + n))
            start = time.monotonic()
            try:
                status, _content = collect.send("POST", body)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(repr(exc))
                collect.close()
                continue
            latency = (time.monotonic() - start) * 1000
            previous = (instance_id, body)
            with lock:
                results.append((start, latency, status))
                if status in (201, 202):
                    acknowledged.append(instance_id)
        collect.close()

    threads = [threading.Thread(target=phone, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    assert instance.server is not None
    cpu: dict[str, float] = {}
    time.sleep(max(0.0, timed_from - time.monotonic()))
    cpu["server"] = -tree_cpu_seconds(instance.server.pid)
    cpu["client"] = -time.process_time()
    cpu["machine"] = -machine_busy_seconds()
    database_before = pids_cpu_seconds(instance.database_pids())
    time.sleep(max(0.0, stop_at - time.monotonic()))
    cpu["server"] += tree_cpu_seconds(instance.server.pid)
    cpu["client"] += time.process_time()
    cpu["machine"] += machine_busy_seconds()
    database_after = pids_cpu_seconds(instance.database_pids())
    cpu["database"] = sum(t - database_before.get(p, 0.0) for p, t in database_after.items())
    for thread in threads:
        thread.join(timeout=seconds + warmup + 120)
    timed = [r for r in results if timed_from <= r[0] < stop_at]
    statuses: dict[int, int] = {}
    for _start, _latency, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    ok = [r for r in timed if r[2] in (201, 202)]
    per = 1000 / max(1, len(ok))
    return {
        "server_cpu_ms": cpu["server"] * per,
        "client_cpu_ms": cpu["client"] * per,
        "database_cpu_ms": cpu["database"] * per,
        # Everything else the machine did meanwhile (other users' processes): the noise.
        "other_cores": max(0.0, cpu["machine"] - cpu["server"] - cpu["client"] - cpu["database"])
        / seconds,
        "rate": len(ok) / seconds,
        "p50": percentile([r[1] for r in ok], 50),
        "p99": percentile([r[1] for r in ok], 99),
        "timed": len(timed),
        "statuses": statuses,
        "errors": errors,
        "acknowledged": sorted(set(acknowledged)),
    }


def run(args: argparse.Namespace, backend: str) -> dict:
    instance = Instance(backend, args.postgres, args.workers, args.threads)
    instance.gunicorn_conf = args.gunicorn_conf
    try:
        print(f"== {backend}: preparing a fresh database in {instance.data_dir} ...", flush=True)
        instance.prepare()
        instance.start()
        print(
            f"   gunicorn: {args.workers} workers x {args.threads} threads; "
            f"{args.clients} clients for {args.warmup:.0f}+{args.seconds:.0f} s ...",
            flush=True,
        )
        figures = load(instance, args.clients, args.seconds, args.warmup)
        instance.stop()
        counted = instance.count(figures["acknowledged"]) or {}
        raw = instance.raw_insert(args.raw_rows, args.clients)
        audit = instance.audit_rate(100, args.clients) if backend == "postgresql" else {}
    finally:
        instance.cleanup()
    single = raw["rows"] / raw["single"]
    concurrent = raw["rows"] / raw["concurrent"]
    return {
        **figures,
        **counted,
        "db_single": single,
        "db_concurrent": concurrent,
        # The physical limit: the better of one connection and as many as there are clients.
        "db_rate": max(single, concurrent),
        "audit": audit,
        "backend": backend,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="timed window")
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--clients", type=int, default=16)
    # The shipped configuration's defaults: sync workers, two per core plus one.
    parser.add_argument("--workers", type=int, default=2 * CPUS + 1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--gunicorn-conf", default="deploy/gunicorn.conf.py", help="to profile, for example"
    )
    parser.add_argument("--raw-rows", type=int, default=1000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres", default=POSTGRES, help="database URL; dropped and made anew")
    args = parser.parse_args()

    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    lines = []
    ok = True
    for backend in backends:
        result = run(args, backend)
        ratio = result["rate"] / result["db_rate"] if result["db_rate"] else float("nan")
        print(
            f"   {result['backend']}: {result['rate']:.0f} submissions/s, p50 "
            f"{result['p50']:.1f} ms, p99 {result['p99']:.1f} ms; statuses {result['statuses']}; "
            f"client errors {len(result['errors'])}"
        )
        spent = result["server_cpu_ms"] + result["client_cpu_ms"] + result["database_cpu_ms"]
        print(
            f"   CPU per submission: server {result['server_cpu_ms']:.2f} ms, PostgreSQL "
            f"{result['database_cpu_ms']:.2f} ms, client {result['client_cpu_ms']:.2f} ms "
            f"(at most {1000 * CPUS / spent:.0f}/s on {CPUS} idle cores); "
            f"other processes kept {result['other_cores']:.2f} cores busy meanwhile"
        )
        print(
            f"   database alone, the same rows, one INSERT and COMMIT each: "
            f"{result['db_single']:.0f}/s on one connection, {result['db_concurrent']:.0f}/s on "
            f"{args.clients}; the server reaches {ratio:.0%} of the better"
        )
        print(
            f"   acknowledged {len(result['acknowledged'])}, stored rows {result['rows']}, "
            f"lost {result['lost']}, duplicated {result['duplicated']}"
        )
        audit = result["audit"]
        if audit:
            print(
                f"   audit events alone, {args.clients} connections: {audit['sealed']:.0f}/s "
                f"sealed after commit, {audit['locked']:.0f}/s with a lock held until commit "
                f"(as chained before); chain intact: {audit['chain_intact']}"
            )
            ok = ok and audit["chain_intact"]
        met = result["rate"] >= 300 and result["p99"] < 250
        print(f"   bar (>= 300/s, p99 < 250 ms): {'met' if met else 'NOT met'}")
        ok = ok and not result["lost"] and not result["duplicated"]
        lines.append(
            f"BENCH ingest backend={result['backend']} rate={result['rate']:.0f} "
            f"p50_ms={result['p50']:.1f} p99_ms={result['p99']:.1f} lost={result['lost']} "
            f"duplicated={result['duplicated']} db_insert_rate={result['db_rate']:.0f}"
            + (
                f" audit_sealed_rate={audit['sealed']:.0f} audit_locked_rate={audit['locked']:.0f}"
                if audit
                else ""
            )
        )
    print()
    for line in lines:
        print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
