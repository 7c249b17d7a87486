"""A loopback load generator: N signed-in users, each on its own keep-alive connection, each
making a bounded number of GETs over a list of paths. Reports throughput, latency percentiles
and every error (a non-200 answer or a broken connection counts as one).

    python -m bench.load --port 8123 --users 64 --requests 10 --cookie sessionid=… /enterprises/
"""

import argparse
import http.client
import json
import threading
import time

from .report import percentile

# A request still queued after this long counts as an error (a browser would have given up).
CLIENT_TIMEOUT_S = 300


def user_loop(port, cookie, paths, requests, latencies, errors, lock, keep_going=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT_S)
    number = 0
    while number < requests or (keep_going is not None and keep_going()):
        path = paths[number % len(paths)]
        number += 1
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
            problem = f"{path}: HTTP {response.status}"
        except (OSError, http.client.HTTPException) as exc:
            ok, problem = False, f"{path}: {exc!r}"
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT_S)
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            if not ok:
                errors.append(problem)
    connection.close()


def run_load(port, cookies, paths, requests_per_user, keep_going=None):
    """cookies: one Cookie header per simulated user. Returns the figures as a dict. With
    keep_going (a callable), each user goes on past its requests while it answers true (the
    load lasts as long as what runs beside it)."""
    latencies, errors, lock = [], [], threading.Lock()
    threads = [
        threading.Thread(
            target=user_loop,
            args=(port, cookie, paths, requests_per_user, latencies, errors, lock, keep_going),
        )
        for cookie in cookies
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {
        "users": len(cookies),
        "requests": len(latencies),
        "errors": len(errors),
        "first_errors": errors[:5],
        "seconds": round(seconds, 2),
        "throughput_per_s": round(len(latencies) / seconds, 1) if seconds else 0,
        "p50_ms": round(percentile(latencies, 0.5), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--requests", type=int, default=10, help="GETs per user")
    parser.add_argument("--cookie", required=True, help="Cookie header sent by every user")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    figures = run_load(args.port, [args.cookie] * args.users, args.paths, args.requests)
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
