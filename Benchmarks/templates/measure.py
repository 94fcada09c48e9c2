#!/usr/bin/env python3
"""Latency of marketplace URLs on a running app: for each path, warm-up requests, then
REQUESTS requests from CONCURRENCY keep-alive connections; prints one JSON object per path
(p50/p95/p99 in ms, status counts). Standard library only.

Usage: measure.py BASE_URL PATH... [--requests N] [--concurrency C] [--warmup W]
"""
import argparse
import http.client
import json
import threading
import time
import urllib.parse


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


def run(base, path, requests, concurrency, warmup):
    url = urllib.parse.urlsplit(base)
    latencies, statuses, lock = [], {}, threading.Lock()
    counter = iter(range(requests))

    def worker():
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        for _ in range(warmup // concurrency + 1):
            connection.request("GET", path)
            connection.getresponse().read()
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {
        "path": path, "requests": len(latencies), "concurrency": concurrency,
        "p50": round(percentile(latencies, 0.50), 2), "p95": round(percentile(latencies, 0.95), 2),
        "p99": round(percentile(latencies, 0.99), 2), "rps": round(len(latencies) / seconds, 1),
        "statuses": statuses,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    for path in args.paths:
        print(json.dumps(run(args.base, path, args.requests, args.concurrency, args.warmup)), flush=True)


if __name__ == "__main__":
    main()
