"""Requests per second through clients against the sandbox, with the
client-side rate limiter on, printed as a ratio of the provider's limit.

    python3 bench/bench_client.py [--seconds 10] [--threads 8] [--workers 4]

A ratio close to 1.00 means the limiter lets the connection use all it is
allowed; above 1.00 would mean the provider would answer 429. Jurnal's limit
is per minute: by default its windows are scaled down (``--jurnal-scale``)
so the run takes seconds; the ratio does not depend on the scale.

The last part stands for several Odoo workers on one Accurate credential:
``--workers`` clients, each with its own limiter (as separate processes
have), then the same clients sharing one limiter injected through
``ConnectionConfig.limiter`` (what the addon does through PostgreSQL).
"""

import argparse
import threading
import time

from accounting_connectors.client import make_client
from accounting_connectors.errors import RateLimitedError
from accounting_connectors.ratelimit import RateLimiter, default_windows


def measure(clients, windows, window, threads):
    """(requests/s, waits refused by our limiter, 429 answers) over a whole
    number of limit windows: a sliding window admits one full burst at the
    start of each, so the run stops just before the next would open.
    ``threads`` threads share each client."""
    seconds = windows * window - 0.05
    done, refused, answered_429 = [], [], []
    stop = time.monotonic() + seconds

    def work(client):
        while time.monotonic() < stop:
            try:
                client.list_warehouses()
                if time.monotonic() < stop:  # not those let through after the run
                    done.append(time.monotonic())
            except RateLimitedError as exc:
                (answered_429 if exc.status == 429 else refused).append(1)

    started = time.monotonic()
    pool = [threading.Thread(target=work, args=(client,)) for client in clients for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return len(done) / (stop - started), len(refused), len(answered_429)


def main():
    from accounting_connectors.sandbox import SandboxServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--jurnal-scale", type=float, default=0.1,
                        help="fraction of a minute/hour Jurnal's windows last (1 = real)")
    args = parser.parse_args()
    with SandboxServer() as sandbox:
        # Accurate: real limits, enforced by the sandbox too (429 would show)
        sandbox.rate_limits = True
        acc = make_client(sandbox.accurate_config(max_wait=30.0))
        rate, refused, rejected = measure([acc], int(args.seconds), 1.0, args.threads)
        print("accurate: %.2f requests/s, limit 8/s -> ratio %.2f (%d answered 429, %d waits refused)"
              % (rate, rate / 8.0, rejected, refused))
        # Jurnal: 40/min and 1,800/h, scaled
        sandbox.rate_limits = False
        scale = args.jurnal_scale
        windows = [(40, 60.0 * scale), (1800, 3600.0 * scale)]
        jur = make_client(sandbox.jurnal_config(rate_limits=windows, max_wait=60.0 * scale + 1))
        rate, refused, _rejected = measure([jur], 3, 60.0 * scale, args.threads)
        limit = 40 / (60.0 * scale)
        print("jurnal:   %.2f requests/s, limit %.2f/s (40/min scaled x%.2f) -> ratio %.2f (%d waits refused)"
              % (rate, limit, scale, rate / limit, refused))
        # several workers on one Accurate credential
        sandbox.rate_limits = True
        limits = default_windows(sandbox.accurate_config())
        seconds = max(2, int(args.seconds) // 2)
        threads = max(1, args.threads // args.workers)

        def workers(limiter_for_worker):
            """Clients that already found their data host (as a running worker has)."""
            time.sleep(1.1)  # the sandbox's window of the previous run is over
            clients = [make_client(sandbox.accurate_config(limiter=limiter_for_worker(), max_wait=30.0))
                       for _ in range(args.workers)]
            for client in clients:
                time.sleep(0.3)  # unshared limiters do not pace each other
                client.list_warehouses()
            return clients

        own = workers(lambda: RateLimiter(limits.windows, limits.max_in_flight, max_wait=30.0))
        time.sleep(1.1)  # a fresh window for the sandbox's counter and the limiters
        rate, refused, rejected = measure(own, seconds, 1.0, threads)
        print("accurate, %d workers, a limiter each: %.2f requests/s -> ratio %.2f (%d answered 429)"
              % (args.workers, rate, rate / 8.0, rejected))
        shared = RateLimiter(limits.windows, limits.max_in_flight, max_wait=30.0)
        clients = workers(lambda: shared)
        time.sleep(1.1)
        rate, refused, rejected = measure(clients, seconds, 1.0, threads)
        print("accurate, %d workers, one shared limiter: %.2f requests/s -> ratio %.2f (%d answered 429)"
              % (args.workers, rate, rate / 8.0, rejected))


if __name__ == "__main__":
    main()
