"""Kill-cycle proof: OpenRosa submissions survive the server being killed, again and again.

For SQLite and then PostgreSQL, a throwaway instance runs gunicorn with the shipped
``deploy/gunicorn.conf.py``; concurrent clients send submissions with a photo each, as ODK Collect
does, while the whole server (master and workers) is killed with SIGKILL at random moments and
started again, ``--cycles`` times. A client that gets no answer, or an error, sends the same
submission again (the same instanceID and bytes) until the server acknowledges it, which is what
ODK Collect does with a submission it could not send. Afterwards the database is counted against
the acknowledgements: every submission answered 201 or 202 is stored exactly once, with its photo
whole on disk; none lost, none duplicated, none half-written.

    .venv/bin/python bench/killcycle.py
    .venv/bin/python bench/killcycle.py --cycles 3 --backend sqlite
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import random
import signal
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import CPUS, Collect, Instance, multipart, submission_xml  # noqa: E402

POSTGRES = "postgres://postgres@127.0.0.1:5432/jusoor_bench_killcycle"


def photo(instance_id: str, size: int) -> bytes:
    seed = hashlib.sha256(instance_id.encode()).digest()
    return (b"\xff\xd8\xff\xe0" + seed * (size // len(seed) + 1))[:size]


class Phones:
    """Clients that keep sending, each re-sending what was not acknowledged, like Collect."""

    def __init__(self, instance: Instance, clients: int, photo_bytes: int) -> None:
        self.instance = instance
        self.clients = clients
        self.photo_bytes = photo_bytes
        self.acknowledged: dict[str, dict[str, int]] = {}
        self.statuses: dict[int, int] = {}
        self.failures = 0  # refused connections, resets, timeouts: sent again
        self.pending = 0
        self.lock = threading.Lock()
        self.producing = threading.Event()
        self.producing.set()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        self.threads = [
            threading.Thread(target=self.phone, daemon=True) for _ in range(self.clients)
        ]
        for thread in self.threads:
            thread.start()

    def phone(self) -> None:
        collect = Collect(self.instance.port, self.instance.submission_path, timeout=15)
        while self.producing.is_set():
            instance_id = f"uuid:{uuid.uuid4()}"
            name = f"{instance_id[5:13]}.jpg"
            picture = photo(instance_id, self.photo_bytes)
            body = multipart(submission_xml(instance_id, len(self.acknowledged)), {name: picture})
            with self.lock:
                self.pending += 1
            while True:  # until acknowledged: the same instanceID, the same bytes
                try:
                    status, _content = collect.send("POST", body)
                except (OSError, http.client.HTTPException):
                    status = 0
                    collect.close()
                with self.lock:
                    self.statuses[status] = self.statuses.get(status, 0) + 1
                    if status in (201, 202):
                        self.acknowledged[instance_id] = {name: len(picture)}
                        self.pending -= 1
                        break
                    self.failures += 1
                time.sleep(0.05 + random.random() * 0.2)  # noqa: S311
        collect.close()

    def finish(self, timeout: float = 120) -> None:
        """Stop making new submissions; let every phone get its last one acknowledged."""
        self.producing.clear()
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(timeout=max(0.1, deadline - time.monotonic()))


def kill(instance: Instance) -> None:
    """SIGKILL to gunicorn's whole process group: master and every worker at once."""
    assert instance.server is not None
    os.killpg(instance.server.pid, signal.SIGKILL)
    instance.server.wait(timeout=30)
    instance.server = None


def run(args: argparse.Namespace, backend: str, url: str) -> dict:
    instance = Instance(backend, url, args.workers, args.threads)
    try:
        print(f"== {backend}: preparing a fresh database in {instance.data_dir} ...", flush=True)
        instance.prepare()
        instance.start()
        phones = Phones(instance, args.clients, args.photo_bytes)
        phones.start()
        for cycle in range(1, args.cycles + 1):
            time.sleep(args.min_uptime + random.random() * args.jitter)  # noqa: S311
            kill(instance)
            time.sleep(random.random() * 0.3)  # noqa: S311
            instance.start()
            if cycle % 5 == 0 or cycle == args.cycles:
                print(
                    f"   cycle {cycle}: {len(phones.acknowledged)} acknowledged so far",
                    flush=True,
                )
        time.sleep(args.min_uptime)
        phones.finish()
        instance.stop()
        counted = instance.count(sorted(phones.acknowledged), phones.acknowledged) or {}
    finally:
        instance.cleanup()
    return {
        "backend": backend,
        "acknowledged": len(phones.acknowledged),
        "statuses": phones.statuses,
        "failures": phones.failures,
        "unacknowledged": phones.pending,
        **counted,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=CPUS)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--photo-bytes", type=int, default=48_000)
    parser.add_argument("--min-uptime", type=float, default=0.5, help="seconds before a kill")
    parser.add_argument("--jitter", type=float, default=1.5, help="random extra seconds")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres", default=POSTGRES, help="database URL; dropped and made anew")
    args = parser.parse_args(argv)

    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    lines = []
    ok = True
    for backend in backends:
        result = run(args, backend, args.postgres)
        print(
            f"   {backend}: statuses {result['statuses']} ({result['failures']} failed sends "
            f"re-sent); acknowledged {result['acknowledged']}, never acknowledged "
            f"{result['unacknowledged']}; stored rows {result.get('rows')}; lost "
            f"{result.get('lost')}, duplicated {result.get('duplicated')}, half-written "
            f"{result.get('half_written')}"
        )
        ok = ok and result.get("lost") == 0 and result.get("duplicated") == 0
        ok = ok and result.get("half_written") == 0 and result["acknowledged"] > 0
        lines.append(
            f"BENCH killcycle backend={backend} cycles={args.cycles} "
            f"acknowledged={result['acknowledged']} lost={result.get('lost')} "
            f"duplicated={result.get('duplicated')} half_written={result.get('half_written')}"
        )
    print()
    for line in lines:
        print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
