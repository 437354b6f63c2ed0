#!/usr/bin/env python3
"""Anonymous sign-in starts against the front desk: does a flood of `GET /login/oidc`
with the provider down fill the audit trail, the attempts table or the log, and does a
registration beside it wait?

Not a test: its numbers depend on the machine. Results go in docs/performance.md.
Usage (release build first: cargo build --release):

    python3 benches/sign_in_flood.py
    createdb -h 127.0.0.1 -U postgres flood   # an empty database, for PostgreSQL
    python3 benches/sign_in_flood.py --database postgres://postgres@127.0.0.1:5432/flood

It starts `avg-loket serve` on a free port with an OpenID issuer nobody listens on (the
provider is down), adds a front-desk user, and registers `--registrations` requests one
after the other, first alone and then while `--flooders` clients send `--starts`
anonymous sign-in starts from 127.0.0.1 as fast as they can. It prints the p50 and p95
of a registration in both phases, how the starts were answered (503 while under the
limit, then 429), and what they left behind: `sign_in_refused` audit events, sign-ins
under way (`oidc_attempts`) and lines in the server's log (at `info`), all of them
and those not about a registration.
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import million  # noqa: E402


def register(base, token, n):
    body = json.dumps({
        "kind": "access", "channel": "letter", "received_on": time.strftime("%Y-%m-%d"),
        "team": "AMW", "requester": {"name": f"Flood {n}", "relation": "self"},
        "subject": {"age_band": "adult"},
    }).encode()
    request = urllib.request.Request(base + "/api/v1/requests", data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json",
        "Idempotency-Key": f"flood-{n}-{time.time_ns()}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        response.read()
        assert response.status == 201, response.status
    return (time.perf_counter() - started) * 1000


def registrations(base, token, count, offset):
    return [register(base, token, offset + n) for n in range(count)]


def start(base, statuses, lock):
    try:
        with urllib.request.urlopen(base + "/login/oidc") as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    with lock:
        statuses[status] += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=million.DEFAULT_BINARY)
    parser.add_argument("--database", help="default: a SQLite file in a temporary directory")
    parser.add_argument("--registrations", type=int, default=300)
    parser.add_argument("--starts", type=int, default=2000)
    parser.add_argument("--flooders", type=int, default=8)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="avg-loket-flood-")
    database = args.database or f"sqlite://{work}/avg-loket.db"
    port = million.free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ,
               AVG_LOKET_DATABASE_URL=database,
               AVG_LOKET_LISTEN=f"127.0.0.1:{port}",
               AVG_LOKET_BASE_URL=base,
               AVG_LOKET_MAIL_URL=f"file://{work}/outbox",
               AVG_LOKET_OIDC_ISSUER=f"http://127.0.0.1:{million.free_port()}",
               AVG_LOKET_OIDC_CLIENT_ID="avg-loket",
               AVG_LOKET_OIDC_CLIENT_SECRET="geheim",
               AVG_LOKET_LOG="info")
    million.run(args.binary, env, "migrate")
    million.run(args.binary, env, "team", "add", "--code", "AMW", "--name", "Algemeen maatschappelijk werk")
    token = million.user_token(args.binary, env, "Bea Balie", "balie@zorg.example", "front_desk")
    log = open(f"{work}/serve.log", "w")
    server = subprocess.Popen([args.binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        million.wait_ready(base)
        registrations(base, token, 20, 0)  # warm-up
        alone = registrations(base, token, args.registrations, 1000)
        log_before = sum(1 for _ in open(f"{work}/serve.log"))

        def flood_lines():
            """Lines of the log not about the registrations themselves."""
            with open(f"{work}/serve.log") as log_file:
                return sum(1 for line in log_file if "route=/api/v1/requests" not in line)
        flood_before = flood_lines()

        statuses, lock = collections.Counter(), threading.Lock()
        remaining = iter(range(args.starts))
        remaining_lock = threading.Lock()

        def flooder():
            while True:
                with remaining_lock:
                    if next(remaining, None) is None:
                        return
                start(base, statuses, lock)

        threads = [threading.Thread(target=flooder) for _ in range(args.flooders)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        beside = registrations(base, token, args.registrations, 100000)
        for thread in threads:
            thread.join()
        flood_seconds = time.perf_counter() - began
        log_lines = sum(1 for _ in open(f"{work}/serve.log")) - log_before
        flood_log_lines = flood_lines() - flood_before
    finally:
        server.terminate()
        server.wait()
    events = million.sql(database, "SELECT count(*) FROM audit_events WHERE action = 'sign_in_refused'").strip()
    attempts = million.sql(database, "SELECT count(*) FROM oidc_attempts").strip()
    print(f"database {database.split('://')[0]}, {args.registrations} registrations per phase")
    print(f"registration alone:      p50 {million.percentile(alone, 50):6.1f} ms   p95 {million.percentile(alone, 95):6.1f} ms")
    print(f"registration beside it: p50 {million.percentile(beside, 50):6.1f} ms   p95 {million.percentile(beside, 95):6.1f} ms")
    print(f"{args.starts} anonymous starts from {args.flooders} clients in {flood_seconds:.1f} s: "
          + ", ".join(f"{count} x {status}" for status, count in sorted(statuses.items())))
    print(f"left behind: {events} sign_in_refused audit event(s), {attempts} sign-in(s) under way, "
          f"{log_lines} log line(s) during the flood, {flood_log_lines} of them not about a registration")


if __name__ == "__main__":
    main()
