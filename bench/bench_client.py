"""Requests per second through a client against the sandbox, with the
client's rate limiter on, printed as a ratio of the provider's limit.

    python3 bench/bench_client.py [--seconds 10] [--threads 8]

A ratio close to 1.00 means the limiter lets the connection use all it is
allowed; above 1.00 would mean the provider would answer 429. Jurnal's limit
is per minute: by default its windows are scaled down (``--jurnal-scale``)
so the run takes seconds; the ratio does not depend on the scale.
"""

import argparse
import threading
import time

from accounting_connectors.client import make_client
from accounting_connectors.errors import RateLimitedError
from accounting_connectors.sandbox import SandboxServer


def measure(client, windows, window, threads):
    """Requests/s over a whole number of limit windows: a sliding window
    admits one full burst at the start of each, so the run stops just
    before the next window would open."""
    seconds = windows * window - 0.05
    done = []
    rejected = []
    stop = time.monotonic() + seconds

    def work():
        while time.monotonic() < stop:
            try:
                client.list_warehouses()
                if time.monotonic() < stop:  # not those let through after the run
                    done.append(time.monotonic())
            except RateLimitedError:
                rejected.append(1)

    started = time.monotonic()
    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return len(done) / (stop - started), len(rejected)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--jurnal-scale", type=float, default=0.1,
                        help="fraction of a minute/hour Jurnal's windows last (1 = real)")
    args = parser.parse_args()
    with SandboxServer() as sandbox:
        # Accurate: real limits, enforced by the sandbox too (429 would show)
        sandbox.rate_limits = True
        acc = make_client(sandbox.accurate_config(max_wait=30.0))
        rate, rejected = measure(acc, int(args.seconds), 1.0, args.threads)
        print("accurate: %.2f requests/s, limit 8/s -> ratio %.2f (%d requests refused: 429 or wait)"
              % (rate, rate / 8.0, rejected))
        # Jurnal: 40/min and 1,800/h, scaled
        sandbox.rate_limits = False
        scale = args.jurnal_scale
        windows = [(40, 60.0 * scale), (1800, 3600.0 * scale)]
        jur = make_client(sandbox.jurnal_config(rate_limits=windows, max_wait=60.0 * scale + 1))
        rate, rejected = measure(jur, 3, 60.0 * scale, args.threads)
        limit = 40 / (60.0 * scale)
        print("jurnal:   %.2f requests/s, limit %.2f/s (40/min scaled x%.2f) -> ratio %.2f (%d waits refused)"
              % (rate, limit, scale, rate / limit, rejected))


if __name__ == "__main__":
    main()
