#!/usr/bin/env python3
"""Background work against the front desk: does a registration wait for the retention
purge, a catch-up reminder sweep or a delivery backlog?

Not a test: it takes minutes and its numbers depend on the machine. Results go in
docs/performance.md. Usage (release build first; a register seeded by
benches/million.py and a copy of it taken before anything ran on it):

    python3 benches/background.py --database sqlite:///tmp/m1/work.db --pristine /tmp/m1/pristine.db
    python3 benches/background.py --database postgres://postgres@127.0.0.1:5432/m1_work \
        --pristine m1_pristine

For each backlog — `purge` (a freshly seeded register holds some 300,000 requests past
retention, which `serve` anonymises when it starts), `sweep` (every open request due
at once: a catch-up sweep), `delivery` (10,000 queued reminders to a local SMTP sink)
— it restores the register from the pristine copy, prepares the backlog, starts
`serve`, and lets `--clients` clients register a request and assign it, over and over,
while the job runs and for `--after` seconds after it ended. It prints the p50 and p95
of both calls during the backlog and after it, the clients' rates, and the job's own
rate (from `serve`'s log).
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import million  # noqa: E402


class Sink:
    """A local SMTP server that accepts every message (a thread per connection).

    `quickack`: acknowledge every segment at once (TCP_QUICKACK before each read)
    instead of the kernel's delayed ACK — to show what the sender's last small write
    of a mail (the terminating dot, which Nagle's algorithm holds until the body is
    acknowledged) costs against a server that delays its ACKs, as every server on
    Linux does by default."""

    def __init__(self, quickack=False):
        self.quickack = quickack
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.count = 0
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            conn, _ = self.listener.accept()
            threading.Thread(target=self.session, args=(conn,), daemon=True).start()

    def lines(self, conn):
        buffered = b""
        while True:
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                yield line + b"\n"
            if self.quickack:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            chunk = conn.recv(65536)
            if not chunk:
                return
            buffered += chunk

    def session(self, conn):
        lines = self.lines(conn)
        conn.sendall(b"220 sink ESMTP\r\n")
        try:
            for line in lines:
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    conn.sendall(b"250-sink\r\n250 8BITMIME\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 go on\r\n")
                    for body_line in lines:
                        if body_line == b".\r\n":
                            break
                    with self.lock:
                        self.count += 1
                    conn.sendall(b"250 kept\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"250 ok\r\n")
        except OSError:
            return


def restore(database, pristine):
    if database.startswith("sqlite://"):
        path = database[len("sqlite://"):]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        shutil.copyfile(pristine, path)
    else:
        name = database.rsplit("/", 1)[1]
        admin = database.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", "-qtA", admin, "-c", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", "-qtA", admin, "-c", f"CREATE DATABASE {name} TEMPLATE {pristine}"], check=True)


def post(url, token, body):
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        answer = json.loads(response.read())
    return (time.perf_counter() - started) * 1000, answer


class Clients:
    """`n` clients that register a request and assign it, until stopped; each call's
    latency is kept with the moment it ended."""

    def __init__(self, n, base, token, assignee):
        self.base, self.token, self.assignee = base, token, assignee
        self.samples = []  # (end, kind, ms)
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self.work, args=(i,), daemon=True) for i in range(n)]
        for thread in self.threads:
            thread.start()

    def work(self, i):
        today = time.strftime("%Y-%m-%d")
        n = 0
        while not self.stopped.is_set():
            n += 1
            body = {"kind": "access", "channel": "phone", "received_on": today, "team": "AMW",
                    "requester": {"name": f"B. Bench{i}x{n}", "email": None, "phone": None, "relation": "self"},
                    "subject": {"age_band": "adult", "client_reference": None}, "description": None}
            try:
                ms, created = post(self.base + "/api/v1/requests", self.token, body)
                self.keep("register", ms)
                ms, _ = post(self.base + f"/api/v1/requests/{created['id']}/actions/assign", self.token,
                             {"assignee": self.assignee})
                self.keep("assign", ms)
            except OSError as error:
                self.keep("error", 0)
                print(f"client {i}: {error}", file=sys.stderr)
                time.sleep(0.1)

    def keep(self, kind, ms):
        with self.lock:
            self.samples.append((time.time(), kind, ms))

    def stop(self):
        self.stopped.set()
        for thread in self.threads:
            thread.join()

    def between(self, kind, start, end):
        with self.lock:
            return [ms for at, k, ms in self.samples if k == kind and start <= at <= end]


def summary(values, seconds):
    if not values:
        return "no calls"
    return (f"{len(values)} calls, {len(values) / seconds:.0f}/s, p50 {million.percentile(values, 50):.1f} ms, "
            f"p95 {million.percentile(values, 95):.1f} ms, max {max(values):.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="the register to work on (overwritten)")
    parser.add_argument("--pristine", required=True, help="SQLite file or PostgreSQL database to copy from")
    parser.add_argument("--binary", default=million.DEFAULT_BINARY)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--after", type=float, default=15, help="seconds measured after the job ended")
    parser.add_argument("--limit", type=float, default=900, help="give up on a job after this many seconds")
    parser.add_argument("--mails", type=int, default=10_000)
    parser.add_argument("--quickack", action="store_true",
                        help="the SMTP sink acknowledges at once instead of delaying its ACKs")
    parser.add_argument("backlogs", nargs="*", default=["purge", "sweep", "delivery"])
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    for backlog in args.backlogs:
        print(f"\n## {backlog} on {args.database}")
        restore(args.database, args.pristine)
        work = tempfile.mkdtemp(prefix="avg-loket-background-")
        env = dict(os.environ)
        env.update({"AVG_LOKET_DATABASE_URL": args.database, "AVG_LOKET_MAIL_URL": f"file://{work}/outbox",
                    "AVG_LOKET_LOG": "info", "AVG_LOKET_SWEEP_INTERVAL_SECONDS": "2"})
        os.makedirs(f"{work}/outbox")
        million.run(args.binary, env, "migrate")
        if backlog != "purge":
            # The purge is not what is measured here: nothing is past retention.
            env["AVG_LOKET_RETENTION_PERIOD"] = "120m"
        po = million.user_token(args.binary, env, "Bench PO", "po@bench.example", "privacy_officer")
        sink = None
        expected = None
        if backlog == "sweep":
            million.make_all_due(args.database)
        if backlog == "delivery":
            # A morning's reminders, queued before serve starts, then trimmed to --mails.
            million.make_all_due(args.database)
            million.run(args.binary, env, "remind", "--once", "--no-delivery")
            keep = args.mails
            million.sql(args.database, "UPDATE notifications SET status = 'cancelled' WHERE status = 'queued' AND id NOT IN "
                        f"(SELECT id FROM notifications WHERE status = 'queued' ORDER BY id LIMIT {keep});")
            expected = int(million.sql(args.database,
                                       "SELECT count(*) FROM notifications WHERE status = 'queued';").strip())
            sink = Sink(quickack=args.quickack)
            env["AVG_LOKET_MAIL_URL"] = f"smtp://127.0.0.1:{sink.port}"
            env["AVG_LOKET_MAIL_MAX_ATTEMPTS"] = "5"
        port = million.free_port()
        env["AVG_LOKET_LISTEN"] = f"127.0.0.1:{port}"
        log_path = f"{work}/serve.log"
        log = open(log_path, "w")
        server = subprocess.Popen([args.binary, "serve"], env=env, stderr=log, stdout=log)
        base = f"http://127.0.0.1:{port}"
        try:
            million.wait_ready(base)
            started = time.time()
            _, users = million.call(base + "/api/v1/users?per_page=200", po)
            items = users.get("items", users) if isinstance(users, dict) else users
            worker = next(u["id"] for u in items if u.get("email") == "caseworker1.amw@seed.example")
            clients = Clients(args.clients, base, po, worker)
            ended = None
            done_line = {"purge": "retention purge", "sweep": "reminder sweep", "delivery": "mail delivery"}[backlog]
            while time.time() - started < args.limit:
                time.sleep(0.5)
                text = open(log_path).read()
                if backlog == "delivery":
                    if sink.count >= expected:
                        ended = time.time()
                        break
                elif done_line in text:
                    ended = time.time()
                    break
            if ended is None:
                ended = time.time()
                print(f"(the job did not end within {args.limit:.0f} s)")
            time.sleep(args.after)
            clients.stop()
            finished = time.time()
            text = open(log_path).read()
            during = ended - started
            if backlog == "purge":
                found = re.search(r"anonymised=(\d+)", text)
                done = int(found.group(1)) if found else 0
                print(f"purge: {done} requests anonymised in {during:.1f} s ({done / during:.0f}/s)")
            elif backlog == "sweep":
                found = re.search(r"requests=(\d+) queued=(\d+)", text)
                if found:
                    print(f"sweep: {found.group(1)} requests, {found.group(2)} reminders in {during:.1f} s "
                          f"({int(found.group(2)) / during:.0f} reminders/s)")
            else:
                print(f"delivery: {sink.count} of {expected} mails in {during:.1f} s ({sink.count / during:.0f} mails/s)")
            for kind in ("register", "assign"):
                print(f"  {kind:8} during the job: {summary(clients.between(kind, started, ended), during)}")
                print(f"  {kind:8} after it:       "
                      f"{summary(clients.between(kind, ended, finished), finished - ended)}")
            errors = clients.between("error", started, finished)
            print(f"  errors: {len(errors)}")
            print(f"  server RSS peak: {million.memory_kb(server.pid, 'VmHWM') / 1024:.0f} MB")
        finally:
            server.kill()
            server.wait()
            log.close()


if __name__ == "__main__":
    main()
