#!/usr/bin/env python3
"""The list grid benchmark: a seeded random sample of combinations of the list's
filters and sorts, as the privacy officer (every team) and as a team's manager, on a
large register — so that no question is fast only because it was benchmarked.

Not a test: it takes minutes and its numbers depend on the machine. Results go in
docs/performance.md. Usage (release build first: cargo build --release; a register
seeded by benches/million.py, or by `avg-loket seed --requests 1000000 --seed 1`):

    python3 benches/grid.py --database sqlite:///tmp/m1/avg-loket.db
    python3 benches/grid.py --database postgres://postgres@127.0.0.1:5432/m1

It runs `avg-loket purge` first (a freshly seeded register holds some 300,000
requests past retention, and `serve` would purge them in the background while the
lists are measured; benches/background.py measures that case), starts `serve`, draws
`--combinations` combinations with `--seed`, makes `--calls` calls of each after two
warm-up calls, prints every combination with its p50 and p95, and the worst five.
Each run also measures the dashboard, as the privacy officer (every team) and as the
manager, beside the lists.

`--settle` waits, before measuring, until the machine is quiet: `serve`'s background
work (the first reminder sweep of a freshly seeded register, the deliveries it queues,
and on PostgreSQL the database server's share of both) can take a core for a minute
or more, and would be measured with the calls. `--dashboard-only` skips the lists.

`--load N` measures the same calls while N clients (in a process of their own, as in
benches/background.py) register a request and assign it, over and over: it first lets
them work alone for `--alone` seconds (their unloaded rate), then keeps them going
while the calls are measured, and prints both rates.
"""

import argparse
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import million  # noqa: E402  (the helpers of the large-register benchmark)
import background  # noqa: E402  (the registering clients)

STATUSES = ["received", "in_assessment", "awaiting_requester", "in_execution", "completed", "refused", "withdrawn"]
KINDS = ["access", "rectification", "erasure", "restriction", "portability", "objection"]
TEAMS = ["AMW", "JGZ", "SCH", "WMO"]
SORTS = ["received_on", "reference", "response_due", "execution_due", "legal_due", "open_due"]
# Names of the seeded register: a full name, common surnames, a rare prefix, two
# letters typed, a client number.
SEARCHES = ["m. van der berg", "jansen", "yilmaz", "ja", "de v", "S-0500000", "nguyen", "öztürk"]


def iso(day):
    return day.strftime("%Y-%m-%d")


def draw(rng, role, today, assignees, references):
    """One combination: each filter with its own chance, a sort in either direction."""
    import datetime

    params = []
    if rng.random() < 0.35:
        params.append(("status", ",".join(rng.sample(STATUSES, 1 if rng.random() < 0.8 else 2))))
    if rng.random() < 0.35:
        params.append(("kind", ",".join(rng.sample(KINDS, 1 if rng.random() < 0.8 else 2))))
    if role == "privacy officer" and rng.random() < 0.3:
        params.append(("team", rng.choice(TEAMS)))
    if rng.random() < 0.15 and assignees:
        params.append(("assignee", rng.choice(assignees)))
    if rng.random() < 0.15:
        params.append(("overdue", "true"))
    if rng.random() < 0.12:
        params.append(("due_before", iso(today + datetime.timedelta(days=rng.randint(-400, 30)))))
    start = None
    if rng.random() < 0.3:
        start = today - datetime.timedelta(days=rng.randint(0, 3 * 365))
        params.append(("received_from", iso(start)))
    if rng.random() < 0.2:
        low = start or today - datetime.timedelta(days=3 * 365)
        span = (today - low).days
        params.append(("received_to", iso(low + datetime.timedelta(days=rng.randint(0, max(span, 0))))))
    if rng.random() < 0.05 and references:
        params.append(("reference", rng.choice(references)))
    if rng.random() < 0.15:
        params.append(("q", rng.choice(SEARCHES)))
    if rng.random() < 0.9:
        params.append(("sort", ("-" if rng.random() < 0.5 else "") + rng.choice(SORTS)))
    if rng.random() < 0.1:
        params.append(("page", str(rng.randint(2, 5))))
    params.append(("per_page", "50"))
    return "/api/v1/requests?" + urllib.parse.urlencode(params)


def main():
    import datetime

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="AVG_LOKET_DATABASE_URL")
    parser.add_argument("--binary", default=million.DEFAULT_BINARY)
    parser.add_argument("--combinations", type=int, default=72, help="half as each role")
    parser.add_argument("--calls", type=int, default=20, help="measured calls per combination")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--no-purge", action="store_true", help="skip `avg-loket purge` before measuring")
    parser.add_argument("--load", type=int, default=0, help="clients registering and assigning meanwhile")
    parser.add_argument("--alone", type=float, default=20, help="seconds the clients work alone first")
    parser.add_argument("--settle", action="store_true",
                        help="before measuring, wait until `serve`'s background work (the first reminder "
                             "sweep, deliveries) is done: the machine under 10 %% of a core for 5 s")
    parser.add_argument("--dashboard-only", action="store_true", help="measure the dashboard only")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    work = tempfile.mkdtemp(prefix="avg-loket-grid-")
    env = dict(os.environ)
    env.update({"AVG_LOKET_DATABASE_URL": args.database, "AVG_LOKET_MAIL_URL": f"file://{work}/outbox",
                "AVG_LOKET_LOG": "warn"})
    os.makedirs(f"{work}/outbox")
    print(f"# {args.database}")
    million.run(args.binary, env, "migrate")
    if not args.no_purge:
        started = time.perf_counter()
        said = million.run(args.binary, env, "purge").strip()
        print(f"purge: {said} (wall {time.perf_counter() - started:.0f} s)")
    po = million.user_token(args.binary, env, "Bench PO", "po@bench.example", "privacy_officer")
    manager = million.run(args.binary, env, "token", "create", "--email",
                          "manager3.amw@seed.example").strip().splitlines()[-1]

    port = million.free_port()
    env["AVG_LOKET_LISTEN"] = f"127.0.0.1:{port}"
    server = subprocess.Popen([args.binary, "serve"], env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        million.wait_ready(base)
        _, users = million.call(base + "/api/v1/users?per_page=200", po)
        items = users.get("items", users) if isinstance(users, dict) else users
        staff = [u for u in items if u.get("email", "").endswith("@seed.example")]
        amw = [u["id"] for u in staff if "AMW" in (u.get("teams") or [])]
        everyone = [u["id"] for u in staff]
        _, first = million.call(base + "/api/v1/requests?per_page=50&sort=-received_on", po)
        references = [r["reference"] for r in first["items"][:20]]
        _, first_amw = million.call(base + "/api/v1/requests?per_page=50", manager)
        references_amw = [r["reference"] for r in first_amw["items"][:20]]

        rng = random.Random(args.seed)
        today = datetime.date.today()
        combos = []
        for i in range(0 if args.dashboard_only else args.combinations):
            if i % 2 == 0:
                combos.append(("privacy officer", po, draw(rng, "privacy officer", today, everyone, references)))
            else:
                combos.append(("manager AMW", manager, draw(rng, "manager", today, amw, references_amw)))

        combos.append(("privacy officer", po, "/api/v1/dashboard"))
        combos.append(("manager AMW", manager, "/api/v1/dashboard"))

        if args.settle:
            started = time.perf_counter()
            settle()
            print(f"settled after {time.perf_counter() - started:.0f} s")
        load = None
        if args.load:
            worker = next(u["id"] for u in staff if u["email"] == "caseworker1.amw@seed.example")
            load = Load(args.load, base, po, worker)
            time.sleep(args.alone)
            alone = load.mark()
        measured_from = time.time()
        results = []
        print("| # | caller | call | p50 | p95 | total |")
        print("|---|---|---|---|---|---|")
        for n, (who, token, path) in enumerate(combos, 1):
            for _ in range(2):
                million.call(base + path, token)
            times = []
            body = None
            for _ in range(args.calls):
                elapsed, body = million.call(base + path, token)
                times.append(elapsed)
            if "total" in body:
                total = f"{body['total']}{'' if body.get('total_exact', True) else '+'}"
            else:
                total = "-"
            p50, p95 = statistics.median(times), million.percentile(times, 95)
            results.append((p95, p50, who, path, total))
            print(f"| {n} | {who} | `{path}` | {p50:.1f} | {p95:.1f} | {total} |")
        results.sort(reverse=True)
        print("\nworst five by p95:")
        for p95, p50, who, path, total in results[:5]:
            print(f"  p95 {p95:7.1f} ms  p50 {p50:7.1f} ms  {who:16} {path}  ({total})")
        every = [r[0] for r in results]
        print(f"\n{len(results)} combinations, {args.calls} calls each: worst p95 {max(every):.1f} ms, "
              f"median of the p95s {statistics.median(every):.1f} ms")
        if load:
            during = load.mark()
            samples = load.stop()
            seconds = time.time() - measured_from
            for kind in ("register", "assign"):
                print(f"  {kind:8} alone:            "
                      f"{background.summary([ms for at, k, ms in samples if k == kind and at <= alone], args.alone)}")
                print(f"  {kind:8} during the reads: "
                      f"{background.summary([ms for at, k, ms in samples if k == kind and measured_from <= at <= during], seconds)}")
            print(f"  errors: {sum(1 for _, k, _ in samples if k == 'error')}")
        print(f"server RSS: {million.memory_kb(server.pid, 'VmRSS') / 1024:.0f} MB "
              f"(peak {million.memory_kb(server.pid, 'VmHWM') / 1024:.0f} MB)")
    finally:
        server.kill()
        server.wait()


def busy_seconds():
    """CPU time the whole machine has spent busy so far, in seconds (from /proc/stat):
    `serve` and the database server both (PostgreSQL's work is not in `serve`'s)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def settle(quiet=0.10, window=5.0, limit=900):
    """Waits until the machine was busy under `quiet` of a core for `window` seconds
    (at most `limit`)."""
    deadline = time.time() + limit
    while time.time() < deadline:
        before = busy_seconds()
        time.sleep(window)
        if (busy_seconds() - before) / window < quiet:
            return
    print(f"# not settled after {limit} s")


def load_worker(n, base, token, assignee, stop, out):
    clients = background.Clients(n, base, token, assignee)
    stop.wait()
    clients.stop()
    out.send(clients.samples)


class Load:
    """Clients that register and assign in a process of their own, so that they do
    not share this process's interpreter lock with the calls being timed."""

    def __init__(self, n, base, token, assignee):
        self.stop_event = multiprocessing.Event()
        self.receive, send = multiprocessing.Pipe(duplex=False)
        self.process = multiprocessing.Process(target=load_worker,
                                               args=(n, base, token, assignee, self.stop_event, send))
        self.process.start()

    @staticmethod
    def mark():
        return time.time()

    def stop(self):
        self.stop_event.set()
        samples = self.receive.recv()
        self.process.join()
        return samples


if __name__ == "__main__":
    main()
