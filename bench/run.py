#!/usr/bin/env python3
"""source-klarna benchmarks against klarna-sandbox. Prints one JSON line per scenario
(ratios measured in the same run) and, when gnuplot is installed, writes a PNG of
requests per second against the budget for the budget scenarios.

    bench/run.py                 # quick variants of every scenario (~2 minutes)
    bench/run.py --full          # the long variants (60 s windows, 15,000 pages)
    bench/run.py budget cpu      # only some scenarios

Figures, not tests: nothing here passes or fails."""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
SOURCE = os.path.join(BUILD, "source-klarna")
SANDBOX = os.path.join(BUILD, "klarna-sandbox")
OUT = os.path.join(ROOT, "bench", "results")


class Sandbox:
    def __init__(self, workdir, *args):
        self.log = os.path.join(workdir, "requests.log")
        self.truth_dir = workdir
        self.process = subprocess.Popen(
            [SANDBOX, "--port", "0", "--request-log", self.log, "--dump-truth", workdir, *args],
            stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        self.url = line.split()[3]

    def stop(self):
        self.process.terminate()
        self.process.wait()
        with open(self.log) as f:
            return [(int(ms), int(status)) for ms, status, _ in (l.split(" ", 2) for l in f)]

    def truth_lines(self, stream):
        with open(os.path.join(self.truth_dir, stream + ".jsonl"), encoding="utf-8") as f:
            return [json.loads(line) for line in f]


def write_inputs(workdir, url, streams, **config):
    config_path = os.path.join(workdir, "config.json")
    catalog_path = os.path.join(workdir, "catalog.json")
    with open(config_path, "w") as f:
        json.dump({"region": "eu", "username": "sandbox-user", "password": "sandbox-password",
                   "base_url": url, **config}, f)
    with open(catalog_path, "w") as f:
        json.dump({"streams": [{"stream": {"name": s, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                                "sync_mode": "full_refresh", "destination_sync_mode": "append"}
                               for s in streams]}, f)
    return ["read", "--config", config_path, "--catalog", catalog_path]


def run_connector(args, stdout, reader=None):
    """Runs source-klarna; returns (seconds, rusage, rss samples in MiB, exit code,
    peak RSS in MiB). The peak is the process's own VmHWM: rusage's ru_maxrss would
    count this Python process's memory at fork, before exec."""
    started = time.monotonic()
    process = subprocess.Popen([SOURCE, *args], stdout=stdout, stderr=subprocess.DEVNULL)
    samples = []
    peak = [0.0]
    stop = threading.Event()

    def sample_rss():
        while not stop.is_set():
            try:
                with open(f"/proc/{process.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            samples.append(round(int(line.split()[1]) / 1024, 1))
                        elif line.startswith("VmHWM:"):
                            peak[0] = max(peak[0], int(line.split()[1]) / 1024)
            except OSError:
                return
            stop.wait(0.1)

    sampler = threading.Thread(target=sample_rss)
    sampler.start()
    if reader:
        reader(process)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    sampler.join()
    return time.monotonic() - started, usage, samples[::5], process.returncode, round(peak[0], 1)


def rate_figures(requests, budget, window_ms):
    times = sorted(ms for ms, _ in requests)
    span = max(1, times[-1] - times[0]) / 1000
    peak, first = 0, 0
    for last, t in enumerate(times):
        while t - times[first] >= window_ms:
            first += 1
        peak = max(peak, last - first + 1)
    throttled = sum(1 for _, status in requests if status == 429)
    return {"requests": len(times), "busy_seconds": round(span, 2),
            "rate": round(len(times) / span, 1), "rate_over_budget": round(len(times) / span / budget, 3),
            "429s": throttled, "429_share": round(throttled / len(times), 4),
            "peak_in_window": peak, "window_limit": int(budget * window_ms / 1000)}


def plot(name, requests, budget):
    if not shutil.which("gnuplot"):
        return None
    per_second = {}
    for ms, _ in requests:
        per_second[ms // 1000] = per_second.get(ms // 1000, 0) + 1
    data = os.path.join(OUT, name + ".dat")
    png = os.path.join(OUT, name + ".png")
    with open(data, "w") as f:
        for second in sorted(per_second):
            f.write(f"{second} {per_second[second]}\n")
    script = (f"set terminal png size 900,400; set output '{png}'; set xlabel 'seconds';"
              f"set ylabel 'requests/s'; set yrange [0:{budget * 1.5}];"
              f"plot '{data}' with steps title 'requests/s', {budget} title 'budget' lw 2")
    subprocess.run(["gnuplot", "-e", script], check=False)
    return os.path.relpath(png, ROOT)


def exact(sandbox, output_path, streams):
    got = {s: [] for s in streams}
    with open(output_path, encoding="utf-8") as f:
        for line in f:
            message = json.loads(line)
            if message["type"] == "RECORD":
                got[message["record"]["stream"]].append(message["record"]["data"])
    return all(got[s] == sandbox.truth_lines(s) for s in streams)


def budget_scenario(name, full, latency_ms, sandbox_rate=None, rate=200):
    window_s = 60 if full else 5
    pages = 15_000 if full else 3_000
    per_payout = 500
    payouts = pages * 20 // per_payout
    with tempfile.TemporaryDirectory() as work:
        limit = sandbox_rate or rate
        sandbox = Sandbox(work, "--payouts", str(payouts), "--transactions-per-payout", str(per_payout),
                          "--unpaid-transactions", "0", "--rate-limit", str(limit),
                          "--rate-window-ms", str(window_s * 1000), "--retry-after",
                          "--latency-ms", str(latency_ms), "--jitter-ms", str(latency_ms // 5))
        args = write_inputs(work, sandbox.url, ["payouts", "transactions"], page_size=20,
                            requests_per_second=rate, rate_window_seconds=window_s)
        output = os.path.join(work, "out.jsonl")
        with open(output, "w") as out:
            seconds, usage, samples, code, peak = run_connector(args, out)
        requests = sandbox.stop()
        figures = rate_figures(requests, limit, window_s * 1000)
        return {"scenario": name, "full": full, "latency_ms": latency_ms, "budget": rate,
                "sandbox_limit": limit, "window_s": window_s, "exit": code,
                "exact": exact(sandbox, output, ["payouts", "transactions"]),
                **figures, "wall_seconds": round(seconds, 2),
                "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
                "peak_rss_mib": peak,
                "plot": plot(name + ("_full" if full else ""), requests, limit)}


def cpu_and_memory(full):
    records = 2_000_000
    with tempfile.TemporaryDirectory() as work:
        sandbox = Sandbox(work, "--payouts", str(records // 500), "--transactions-per-payout", "500",
                          "--unpaid-transactions", "0", "--threads", "1")
        args = write_inputs(work, sandbox.url, ["transactions"], requests_per_second=10000)
        with open(os.devnull, "w") as null:
            seconds, usage, samples, code, peak = run_connector(args, null)
        cpu = usage.ru_utime + usage.ru_stime
        fast = {"scenario": "cpu_fast_reader", "records": records, "exit": code,
                "wall_seconds": round(seconds, 2), "records_per_second": round(records / seconds),
                "cpu_seconds": round(cpu, 2), "records_per_cpu_second": round(records / cpu),
                "peak_rss_mib": peak, "rss_samples_mib": samples[::4]}

        throttle_seconds = 60 if full else 20

        def slow_reader(process):
            # Reads 1 MiB/s for throttle_seconds, then stops the sync.
            deadline = time.monotonic() + throttle_seconds
            while time.monotonic() < deadline:
                if not process.stdout.read(64 * 1024):
                    break
                time.sleep(1 / 16)
            process.terminate()
            process.stdout.close()

        started = time.monotonic()
        seconds, usage, samples, code, peak = run_connector(args, subprocess.PIPE, slow_reader)
        sandbox.stop()
        slow = {"scenario": "memory_slow_reader", "reader_mib_per_second": 1,
                "seconds": round(time.monotonic() - started, 1),
                "peak_rss_mib": peak, "rss_samples_mib": samples[::4]}
        return [fast, slow]


def sink_scenario(full):
    """`sync` into each file/database sink: records per second and per CPU-second of
    the connector, peak RSS. (PostgreSQL needs a server: not benchmarked here.)"""
    records = 2_000_000 if full else 500_000
    results = []
    with tempfile.TemporaryDirectory() as work:
        sandbox = Sandbox(work, "--payouts", str(records // 500), "--transactions-per-payout", "500",
                          "--unpaid-transactions", "0", "--threads", "1")
        config = os.path.join(work, "config.json")
        write_inputs(work, sandbox.url, ["transactions"], requests_per_second=10000)
        for uri in ("jsonl:" + os.path.join(work, "out"), "sqlite:" + os.path.join(work, "k.db"),
                    "airbyte:"):
            args = ["sync", "--config", config, "--catalog", os.path.join(work, "catalog.json"),
                    "--sink", uri]
            with open(os.devnull, "w") as null:
                seconds, usage, _, code, peak = run_connector(args, null)
            cpu = usage.ru_utime + usage.ru_stime
            results.append({"scenario": "sink_" + uri.split(":")[0], "records": records, "exit": code,
                            "wall_seconds": round(seconds, 2), "records_per_second": round(records / seconds),
                            "cpu_seconds": round(cpu, 2), "records_per_cpu_second": round(records / cpu),
                            "peak_rss_mib": peak})
        sandbox.stop()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", default=["budget", "latency", "contention", "cpu", "sinks"])
    parser.add_argument("--full", action="store_true", help="long variants")
    options = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    machine = {"machine": platform.machine(), "cores": os.cpu_count(), "kernel": platform.release()}
    print(json.dumps({"bench": "source-klarna", **machine}), flush=True)
    for scenario in options.scenarios:
        if scenario == "budget":
            results = [budget_scenario("budget", options.full, 50)]
        elif scenario == "latency":
            results = [budget_scenario("latency", options.full, 200)]
        elif scenario == "contention":
            results = [budget_scenario("contention", options.full, 50, sandbox_rate=140)]
        elif scenario == "cpu":
            results = cpu_and_memory(options.full)
        elif scenario == "sinks":
            results = sink_scenario(options.full)
        else:
            sys.exit(f"unknown scenario {scenario}")
        for result in results:
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
