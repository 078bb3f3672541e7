"""The load process: reads a plan (JSON on stdin), sends requests from several
threads over keep-alive connections for a fixed time, prints results as JSON.

It runs as its own process so that it does not share the server's CPU time
accounting or GIL.
"""
from __future__ import annotations

import http.client
import json
import statistics
import sys
import threading
import time
from urllib.parse import urlsplit


def run_scenario(base_url: str, scenario: dict, duration: float, concurrency: int,
                 warmup: float, timeout: float = 30) -> dict:
    host = urlsplit(base_url)
    latencies: list[float] = []
    queries: list[int] = []
    statuses: dict[int, int] = {}
    errors = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + warmup + duration
    measure_from = time.perf_counter() + warmup
    requests = scenario["requests"]

    def worker(n: int):
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=timeout)
        if scenario.get("partitioned"):
            # Writes: each connection cycles through its own pairs only; with
            # shared ones a faster connection laps a slower one and cancels
            # the registration the other is about to cancel.
            size = max(2, len(requests) // concurrency // 2 * 2)
            mine, i = requests[n * size : (n + 1) * size] or requests, 0
        else:
            # Reads: every connection goes through the same list, from its
            # own place in it.
            mine, i = requests, n * 7
        while True:
            now = time.perf_counter()
            if now >= stop_at:
                break
            req = mine[i % len(mine)]
            i += 1
            body = json.dumps(req["body"]).encode() if req.get("body") is not None else None
            headers = dict(scenario["headers"])
            if body is not None:
                headers["Content-Type"] = "application/json"
            started = time.perf_counter()
            try:
                conn.request(req.get("method", scenario["method"]), req["path"], body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                count = response.getheader("X-Query-Count")
            except Exception as exc:  # noqa: BLE001 -- a dead thread would hide the failure
                conn.close()
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=timeout)
                status, count = 0, None
                with lock:
                    errors.append(repr(exc))
            elapsed = time.perf_counter() - started
            if started < measure_from:
                continue
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                if count is not None:
                    queries.append(int(count))
        if scenario.get("partitioned") and i % 2 == 1:
            # A write pair cut in half at the end (a registration left behind)
            # would make the next run on the same data start with a 409:
            # finish it, unmeasured.
            req = mine[i % len(mine)]
            try:
                conn.request(req.get("method", scenario["method"]), req["path"], headers=dict(scenario["headers"]))
                conn.getresponse().read()
            except Exception:  # noqa: BLE001 -- best effort, after the measurement
                pass
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    expected = set(scenario["expect"])
    bad = sum(n for status, n in statuses.items() if status not in expected)

    def pct(p):
        if not latencies:
            return None
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2)

    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / duration, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else None,
        "errors": bad,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "queries_per_request": round(statistics.fmean(queries), 2) if queries else None,
        "queries_max": max(queries) if queries else None,
        "sample_errors": errors[:3],
    }


def main() -> None:
    plan = json.load(sys.stdin)
    results = {}
    for scenario in plan["scenarios"]:
        results[scenario["name"]] = run_scenario(
            plan["base_url"], scenario, plan["duration"], plan["concurrency"], plan["warmup"],
            plan.get("request_timeout", 30))
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
