#!/usr/bin/env python3
"""The large-register benchmark: dashboard and list latency, one reminder sweep and
the server's memory on a register of (by default) 1,000,000 synthetic requests.

Not a test: it takes minutes and its numbers depend on the machine. Results go in
docs/performance.md. Usage (release build first: cargo build --release):

    python3 benches/million.py --database sqlite:///tmp/m1/avg-loket.db
    python3 benches/million.py --database postgres://postgres@127.0.0.1:5432/m1

It seeds the database when it holds no requests (`avg-loket seed --requests N
--seed 1`), starts `avg-loket serve` on a free port, makes `--calls` sequential calls
per URL after 5 warm-up calls (as the privacy officer, and the dashboard also as a
team manager), and reads the server's resident memory from /proc. Before the server
starts it times three reminder sweeps (`avg-loket remind --once --no-delivery`): the
first after seeding catches up on every due request, the second is what `serve` does
each minute, the third is tomorrow's 08:00 sweep, when the reminders of a day come due. Needs `sqlite3` or `psql` to cancel the synthetic reminders it queued.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BINARY = os.path.join(HERE, "..", "target", "release", "avg-loket")


def run(binary, env, *args):
    result = subprocess.run([binary, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"avg-loket {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def user_token(binary, env, name, email, role):
    """A token for the user `email`, added first when the database does not know them."""
    added = subprocess.run([binary, "user", "add", "--name", name, "--email", email, "--role", role],
                           env=env, capture_output=True, text=True)
    if added.returncode == 0:
        return added.stdout.strip().splitlines()[-1]
    return run(binary, env, "token", "create", "--email", email).strip().splitlines()[-1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, json.loads(body)


def wait_ready(base, seconds=20):
    """Waits until `serve` at `base` answers /readyz."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/readyz")
            return
        except OSError:
            time.sleep(0.01)
    sys.exit(f"serve at {base} did not become ready within {seconds} s")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def memory_kb(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def sql(database, statements):
    if database.startswith("sqlite://"):
        command = ["sqlite3", database[len("sqlite://"):], statements]
    else:
        command = ["psql", "-qtA", database]
        for statement in statements.split(";"):
            if statement.strip():
                command += ["-c", statement.strip()]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def make_all_due(database):
    """Every open request due for the sweep now. A request's reminders start at the
    first reminder moment after its registration, and a register seeded today was
    registered today: the open requests count as registered three days ago."""
    moment = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 60))
    registered = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 3 * 86400))
    sql(database, f"DELETE FROM notifications; UPDATE requests SET next_reminder_at = '{moment}', "
                  f"created_at = '{registered}' WHERE open_due IS NOT NULL AND created_at > '{registered}';"
                  f"UPDATE requests SET next_reminder_at = '{moment}' WHERE open_due IS NOT NULL;")


def cancel_queued(database):
    sql = "UPDATE notifications SET status = 'cancelled' WHERE status IN ('queued', 'sending');"
    if database.startswith("sqlite://"):
        command = ["sqlite3", database[len("sqlite://"):], sql + " SELECT changes();"]
    else:
        command = ["psql", "-qtA", database, "-c", sql.replace(";", " RETURNING 1;")]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    lines = result.stdout.strip().splitlines()
    return lines[-1] if database.startswith("sqlite://") else len(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="AVG_LOKET_DATABASE_URL")
    parser.add_argument("--binary", default=DEFAULT_BINARY)
    parser.add_argument("--requests", type=int, default=1_000_000, help="to seed when empty")
    parser.add_argument("--calls", type=int, default=40, help="measured calls per URL")
    parser.add_argument("--resweep", action="store_true",
                        help="on a database measured before: empty the outbox and make every open "
                             "request due, so the first sweep catches up on all of them again")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    work = tempfile.mkdtemp(prefix="avg-loket-bench-")
    env = dict(os.environ)
    env.update(
        {
            "AVG_LOKET_DATABASE_URL": args.database,
            "AVG_LOKET_MAIL_URL": f"file://{work}/outbox",
            "AVG_LOKET_LOG": "warn",
        }
    )
    os.makedirs(f"{work}/outbox")
    print(f"# {args.database}")
    run(args.binary, env, "migrate")
    # One privacy officer for every run (each one receives the escalations).
    po = user_token(args.binary, env, "Bench PO", "po@bench.example", "privacy_officer")
    started = time.perf_counter()
    seeded = subprocess.run([args.binary, "seed", "--requests", str(args.requests), "--seed", "1"],
                            env=env, capture_output=True, text=True)
    if seeded.returncode == 0:
        print(f"seed: {seeded.stdout.strip()} (wall {time.perf_counter() - started:.0f} s)")
    elif "--force" in seeded.stderr:
        print("seed: the database holds requests already; measuring those")
    else:
        sys.exit(seeded.stderr)
    manager = run(args.binary, env, "token", "create", "--email", "manager3.amw@seed.example").strip().splitlines()[-1]
    desk = user_token(args.binary, env, "Bench Balie", "balie@bench.example", "front_desk")

    if args.resweep:
        make_all_due(args.database)
    # Reminder sweeps before the server starts (it would sweep at start-up itself).
    # After seeding, the first sweep catches up on every request that is due; the next
    # one is what `serve` does each minute.
    # The third is tomorrow's 08:00 sweep, when the reminders of the day come due.
    tomorrow = time.strftime("%Y-%m-%d", time.localtime(time.time() + 86400))
    for label, moment in [("first (catch-up)", []), ("second (steady)", []),
                          ("tomorrow 08:00 (a morning)", ["--now", f"{tomorrow}T08:00:00+01:00"])]:
        started = time.perf_counter()
        said = run(args.binary, env, "remind", "--once", "--no-delivery", *moment).strip()
        print(f"sweep, {label}: {said} (wall {time.perf_counter() - started:.1f} s)")
    # Delivering tens of thousands of synthetic reminders would take the server's
    # attention during the measurements: the benchmark cancels them.
    cancelled = cancel_queued(args.database)
    print(f"cancelled {cancelled} queued synthetic reminder(s) before measuring")
    if args.database.startswith("postgres"):
        # What autovacuum does after the sweep's updates (migration 000006 makes it do
        # so after 2 % of the table): index-only scans need the visibility map.
        started = time.perf_counter()
        sql(args.database, "VACUUM ANALYZE requests; VACUUM ANALYZE notifications;")
        print(f"VACUUM ANALYZE after the sweep: {time.perf_counter() - started:.1f} s")

    port = free_port()
    env["AVG_LOKET_LISTEN"] = f"127.0.0.1:{port}"
    server = subprocess.Popen([args.binary, "serve"], env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base)
        print(f"server RSS after start: {memory_kb(server.pid, 'VmRSS') / 1024:.0f} MB")
        today = time.strftime("%Y-%m-%d")
        year_start = time.strftime("%Y-01-01")
        urls = [
            ("privacy officer", po, "/api/v1/dashboard"),
            ("manager AMW", manager, "/api/v1/dashboard"),
            ("privacy officer", po, "/api/v1/requests?overdue=true&sort=open_due&per_page=50"),
            ("privacy officer", po, "/api/v1/requests?team=AMW&status=in_assessment&per_page=50"),
            ("privacy officer", po, f"/api/v1/requests?kind=erasure&received_from={year_start}&per_page=50"),
            ("privacy officer", po, "/api/v1/requests?per_page=50"),
            ("privacy officer", po, f"/api/v1/requests?due_before={today}&sort=open_due&per_page=50"),
            ("manager AMW", manager, "/api/v1/requests?sort=open_due&per_page=50"),
            # Finding a request without its reference (seed: about one in fifty shares a
            # surname; "ja" starts Jansen, Janssens and Jacobs).
            ("privacy officer", po, "/api/v1/requests?q=m.%20van%20der%20berg&per_page=50"),
            ("privacy officer", po, "/api/v1/requests?q=jansen&per_page=50"),
            ("privacy officer", po, "/api/v1/requests?q=ja&sort=open_due&per_page=50"),
            ("privacy officer", po, "/api/v1/requests?q=S-0999999&per_page=50"),
            ("manager AMW", manager, "/api/v1/requests?q=jansen&sort=open_due&per_page=50"),
            ("front desk", desk, "/api/v1/requests?q=%C3%B6zt%C3%BCrk&per_page=50"),
        ]
        print("| caller | call | median | p95 | max | total matches |")
        print("|---|---|---|---|---|---|")
        for who, token, path in urls:
            for _ in range(5):
                call(base + path, token)
            times = []
            body = None
            for _ in range(args.calls):
                elapsed, body = call(base + path, token)
                times.append(elapsed)
            total = body.get("total", body.get("open", {}).get("total", ""))
            print(f"| {who} | `GET {path}` | {statistics.median(times):.1f} ms | {percentile(times, 95):.1f} ms "
                  f"| {max(times):.1f} ms | {total} |")
        print(f"server RSS after the calls: {memory_kb(server.pid, 'VmRSS') / 1024:.0f} MB "
              f"(peak {memory_kb(server.pid, 'VmHWM') / 1024:.0f} MB)")
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
