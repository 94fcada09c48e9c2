"""Drives bmm-sandbox-worker directly over its framed JSON protocol (stdin/stdout, a 4-byte
big-endian length before each frame; see Sources/Sandbox/WorkerProtocol.swift), one call at
a time, and reports what a call costs the worker for each kind of realm:

  warm      every call names the same realm key: the warm path of a hot server;
  new-realm every call names a new key: the worker builds a realm (or claims its spare) and
            keeps it, evicting the oldest of its kept realms, like a server's first calls;
  one-off   no key: a fresh context used once and dropped, like a server called now and then.

CPU per call is the worker process's utime + stime (every thread, JavaScriptCore's
collector threads included) over the calls, counted in clock ticks (10 ms), so --calls stays
in the thousands for the warm row; latency is each call's round trip from this
process. Full collections are counted from JavaScriptCore's own log (JSC_logGC).

Usage: worker_calls.py WORKER [--compare OTHER_WORKER] [--calls N] [--rounds R] [--json]
With --compare the two binaries run in alternating rounds (A B, B A, ...), so both are
measured on the same machine state; each figure is the median over the rounds.
"""

import argparse
import json
import os
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import time

IMPLEMENTATION = "return { sum: args.a + args.b };"
LIMITS = {"cpuMilliseconds": 1000, "maxFetches": 10, "maxResultBytes": 100000, "maxLogLines": 100}
MODES = ("warm", "new-realm", "one-off")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# A call takes milliseconds; a minute without a reply means the worker is stuck.
REPLY_TIMEOUT = 60


class Worker:
    def __init__(self, executable):
        self.log = tempfile.TemporaryFile()
        # JavaScriptCore reads its options from the environment when its first VM starts;
        # the worker turns the JIT off itself, as the sandbox pool runs it.
        self.process = subprocess.Popen([executable], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                        env={"JSC_logGC": "true"})
        self.call_id = 0

    def call(self, realm):
        self.call_id += 1
        request = {"type": "run", "call": self.call_id, "realm": realm, "implementation": IMPLEMENTATION,
                   "arguments": {"a": 2, "b": 3}, "secrets": {}, "limits": LIMITS}
        payload = json.dumps(request).encode()
        self.process.stdin.write(struct.pack(">I", len(payload)) + payload)
        self.process.stdin.flush()
        # A worker that never answers is reported with what it was doing, not left to an outer timeout.
        ready, _, _ = select.select([self.process.stdout], [], [], REPLY_TIMEOUT)
        if not ready:
            sys.exit(f"no reply to call {self.call_id} ({realm}) within {REPLY_TIMEOUT} s\n{self.state()}")
        header = self.process.stdout.read(4)
        if len(header) < 4:
            sys.exit(f"the worker exited during call {self.call_id} (code {self.process.wait()})")
        (length,) = struct.unpack(">I", header)
        reply = json.loads(self.process.stdout.read(length))
        if reply.get("ok") is not True or reply.get("value") != {"sum": 5}:
            sys.exit(f"unexpected reply to call {self.call_id}: {reply}")

    def state(self):
        """The worker's threads (state and kernel wait channel) and the end of its log, for a report."""
        lines = []
        for task in sorted(os.listdir(f"/proc/{self.process.pid}/task")):
            try:
                with open(f"/proc/{self.process.pid}/task/{task}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)
                name = fields[0].split("(", 1)[1]
                with open(f"/proc/{self.process.pid}/task/{task}/wchan") as wchan:
                    lines.append(f"thread {task} {name}: state {fields[1].split()[0]}, waiting in {wchan.read() or '-'}")
            except OSError:
                continue
        self.log.seek(0)
        tail = self.log.read().decode(errors="replace").splitlines()[-20:]
        return "\n".join(lines + ["worker log (last 20 lines):"] + tail)

    def cpu_seconds(self):
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def full_collections(self):
        self.log.seek(0)
        return sum(1 for line in self.log.read().decode(errors="replace").splitlines()
                   if "START" in line and "FullCollection" in line)

    def close(self):
        self.process.stdin.close()
        self.process.wait()
        self.log.close()


def realm_for(mode, index, round_number):
    if mode == "warm":
        return "warm"
    if mode == "new-realm":
        return f"new-{round_number}-{index}"
    return None


def measure(executable, mode, calls, round_number):
    worker = Worker(executable)
    try:
        # Past the worker's start-up, its first collections and (warm) the realm's first call.
        for index in range(200):
            worker.call(realm_for(mode, -index - 1, round_number))
        collections_before = worker.full_collections()
        cpu_before = worker.cpu_seconds()
        latencies = []
        for index in range(calls):
            started = time.perf_counter()
            worker.call(realm_for(mode, index, round_number))
            latencies.append(time.perf_counter() - started)
        cpu = worker.cpu_seconds() - cpu_before
        collections = worker.full_collections() - collections_before
    finally:
        worker.close()
    latencies.sort()
    return {
        "cpu_ms": cpu * 1000 / calls,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
        "max_ms": latencies[-1] * 1000,
        "full_collections_per_1000": collections * 1000 / calls,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("worker")
    parser.add_argument("--compare")
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    binaries = {"A": options.worker}
    if options.compare:
        binaries["B"] = options.compare
    results = {(name, mode): [] for name in binaries for mode in MODES}
    for round_number in range(options.rounds):
        order = list(binaries) if round_number % 2 == 0 else list(reversed(binaries))
        for mode in MODES:
            for name in order:
                results[(name, mode)].append(measure(binaries[name], mode, options.calls, round_number))
    summary = {name: {mode: {key: statistics.median(run[key] for run in results[(name, mode)])
                             for key in results[(name, mode)][0]}
                      for mode in MODES}
               for name in binaries}
    if options.json:
        print(json.dumps({"binaries": binaries, "calls": options.calls, "rounds": options.rounds, "summary": summary}))
        return
    for name, path in binaries.items():
        print(f"{name}: {path} ({options.rounds} rounds of {options.calls} calls per kind; medians)")
        print(f"  {'realm':<10} {'CPU/call':>9} {'p50':>8} {'p99':>8} {'max':>8} {'full GCs/1000':>14}")
        for mode in MODES:
            row = summary[name][mode]
            print(f"  {mode:<10} {row['cpu_ms']:>7.3f}ms {row['p50_ms']:>6.3f}ms {row['p99_ms']:>6.3f}ms "
                  f"{row['max_ms']:>6.2f}ms {row['full_collections_per_1000']:>14.1f}")


if __name__ == "__main__":
    main()
