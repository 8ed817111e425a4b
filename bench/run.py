#!/usr/bin/env python3
"""source-klarna benchmarks against klarna-sandbox. Prints one JSON line per scenario
(ratios measured in the same run) and, when gnuplot is installed, writes a PNG of
requests per second against the budget for the budget scenarios.

    bench/run.py                 # quick variants of every scenario (~5 minutes)
    bench/run.py --full          # the long variants (60 s windows, 15,000 pages)
    bench/run.py budget cpu      # only some scenarios
    bench/run.py https tls_cpu two_windows announced black_hole   # the real-path ones
    bench/run.py incremental fanout resume   # incremental and resumed reads (bench/sync_state.py)
    bench/run.py growth          # a listing that grows while it is read (bench/moving.py)
    bench/run.py faults          # transient faults at 0 to 5% (bench/faults.py)
    bench/run.py reports         # archiving the settlement report files (bench/reports.py)

Figures, not tests: nothing here passes or fails."""

import argparse
import json
import os
import platform
import shutil
import socket
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
        self.connection_log = os.path.join(workdir, "connections.log")
        self.truth_dir = workdir
        self.ca_path = os.path.join(workdir, "ca.pem") if "--tls" in args else None
        tls = ["--tls-ca-out", self.ca_path] if self.ca_path else []
        self.process = subprocess.Popen(
            [SANDBOX, "--port", "0", "--request-log", self.log, "--connection-log",
             self.connection_log, "--dump-truth", workdir, *args, *tls],
            stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        self.url = line.split()[3]
        if self.ca_path:
            self.process.stdout.readline()

    def trust(self):
        """Config fields that make the connector trust this sandbox's certificate."""
        if not self.ca_path:
            return {}
        with open(self.ca_path) as f:
            return {"ca_certificate": f.read()}

    def connections(self):
        with open(self.connection_log) as f:
            return sum(1 for _ in f)

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


def run_connector(args, stdout, reader=None, env=None):
    """Runs source-klarna; returns (seconds, rusage, rss samples in MiB, exit code,
    peak RSS in MiB). The peak is the process's own VmHWM: rusage's ru_maxrss would
    count this Python process's memory at fork, before exec."""
    started = time.monotonic()
    process = subprocess.Popen([SOURCE, *args], stdout=stdout, stderr=subprocess.DEVNULL, env=env)
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


def budget_scenario(name, full, latency_ms, sandbox_rate=None, rate=200, extra=()):
    """Both streams against a sandbox that enforces `sandbox_rate` (default: the
    connector's own budget) over the window, plus any `extra` sandbox arguments
    (--tls, a second window ...)."""
    window_s = 60 if full else 5
    pages = 15_000 if full else 3_000
    per_payout = 500
    payouts = pages * 20 // per_payout
    with tempfile.TemporaryDirectory() as work:
        limit = sandbox_rate or rate
        sandbox = Sandbox(work, "--payouts", str(payouts), "--transactions-per-payout", str(per_payout),
                          "--unpaid-transactions", "0", "--rate-limit", str(limit),
                          "--rate-window-ms", str(window_s * 1000), "--retry-after",
                          "--latency-ms", str(latency_ms), "--jitter-ms", str(latency_ms // 5),
                          *extra)
        args = write_inputs(work, sandbox.url, ["payouts", "transactions"], page_size=20,
                            requests_per_second=rate, rate_window_seconds=window_s,
                            **sandbox.trust())
        output = os.path.join(work, "out.jsonl")
        with open(output, "w") as out:
            seconds, usage, samples, code, peak = run_connector(args, out)
        requests = sandbox.stop()
        figures = rate_figures(requests, limit, window_s * 1000)
        return {"scenario": name, "full": full, "latency_ms": latency_ms, "budget": rate,
                "sandbox_limit": limit, "window_s": window_s, "exit": code,
                "exact": exact(sandbox, output, ["payouts", "transactions"]),
                **figures, "peak_in_any_second": rate_figures(requests, limit, 1000)["peak_in_window"],
                "connections": sandbox.connections(), "wall_seconds": round(seconds, 2),
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


def test_harness():
    """tests/integration/harness.py, for what the bench shares with the tests (the
    PostgreSQL server, reading protocol messages)."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
    os.environ.setdefault("SOURCE_KLARNA", SOURCE)
    os.environ.setdefault("KLARNA_SANDBOX", SANDBOX)
    import harness
    return harness


def sink_targets(work):
    """(name, --sink URI) of every sink measured, a PostgreSQL server started as the
    tests start one (tests/integration/harness.py) when PostgreSQL is installed."""
    targets = [("count", "count:" + os.path.join(work, "counts.txt")),
               ("jsonl", "jsonl:" + os.path.join(work, "out")),
               ("sqlite", "sqlite:" + os.path.join(work, "k.db")),
               ("airbyte", "airbyte:")]
    harness = test_harness()
    try:
        postgres = harness.Postgres()
    except (RuntimeError, subprocess.CalledProcessError):
        return targets, None
    return targets + [("postgres", "postgres:" + postgres.conninfo)], postgres


def sink_scenario(full):
    """`sync` of the transactions into each sink, twice (a fresh and then an existing
    table): unthrottled, records per second and per CPU-second and peak RSS; and at
    Klarna's budget (200/s, 20 ms latency), the share of the budget the sink lets the
    sync use."""
    records = 1_000_000 if full else 200_000
    results = []
    with tempfile.TemporaryDirectory() as work:
        targets, postgres = sink_targets(work)
        for budget in (10000, 200):
            latency = "0" if budget > 200 else "20"
            sandbox = Sandbox(work, "--payouts", str(records // 500), "--transactions-per-payout", "500",
                              "--unpaid-transactions", "0", "--threads", "1", "--latency-ms", latency)
            config = os.path.join(work, "config.json")
            write_inputs(work, sandbox.url, ["transactions"], requests_per_second=budget)
            for name, uri in targets:
                for table in ("fresh", "existing"):
                    if table == "existing" and name in ("count", "airbyte"):
                        continue
                    args = ["sync", "--config", config, "--catalog", os.path.join(work, "catalog.json"),
                            "--sink", uri]
                    with open(os.devnull, "w") as null:
                        seconds, usage, _, code, peak = run_connector(args, null)
                    cpu = usage.ru_utime + usage.ru_stime
                    result = {"scenario": f"sink_{name}", "table": table, "budget": budget,
                              "records": records, "exit": code, "wall_seconds": round(seconds, 2),
                              "records_per_second": round(records / seconds),
                              "cpu_seconds": round(cpu, 2), "records_per_cpu_second": round(records / cpu),
                              "peak_rss_mib": peak}
                    if budget == 200:
                        result["share_of_budget"] = round(records / 500 / seconds / budget, 3)
                    results.append(result)
                if name == "sqlite":
                    for suffix in ("", "-wal", "-shm"):
                        if os.path.exists(os.path.join(work, "k.db" + suffix)):
                            os.remove(os.path.join(work, "k.db" + suffix))
            sandbox.stop()
        if postgres:
            postgres.stop()
    plot_sinks(results)
    return results


def plot_sinks(results):
    """A bar chart of unthrottled records/s per sink and table (gnuplot, when installed)."""
    if not shutil.which("gnuplot"):
        return None
    rows = [r for r in results if r["budget"] > 200]
    data = os.path.join(OUT, "sinks.dat")
    with open(data, "w") as f:
        for r in rows:
            f.write(f"{r['scenario'][5:]}-{r['table']} {r['records_per_second']}\n")
    png = os.path.join(OUT, "sinks.png")
    script = (f"set terminal png size 900,500; set output '{png}'; set style fill solid; set boxwidth 0.6;"
              f"set ylabel 'records/s'; set xtics rotate by -30; unset key;"
              f"plot '{data}' using 0:2:xtic(1) with boxes")
    subprocess.run(["gnuplot", "-e", script], check=False)
    return png


def tls_cost(full):
    """The same unthrottled read over plain http and over HTTPS, one after the other:
    requests/s, records per CPU-second and peak RSS as ratios, and the TLS
    connections opened."""
    records = 1_000_000 if full else 500_000
    runs = {}
    for scheme, extra in (("http", ()), ("https", ("--tls",))):
        with tempfile.TemporaryDirectory() as work:
            sandbox = Sandbox(work, "--payouts", str(records // 500), "--transactions-per-payout", "500",
                              "--unpaid-transactions", "0", "--threads", "2", *extra)
            args = write_inputs(work, sandbox.url, ["transactions"], requests_per_second=10000,
                                **sandbox.trust())
            with open(os.devnull, "w") as null:
                seconds, usage, _, code, peak = run_connector(args, null)
            requests = sandbox.stop()
            cpu = usage.ru_utime + usage.ru_stime
            runs[scheme] = {"exit": code, "requests": len(requests),
                            "requests_per_second": round(len(requests) / seconds, 1),
                            "records_per_cpu_second": round(records / cpu),
                            "cpu_seconds": round(cpu, 2), "peak_rss_mib": peak,
                            "connections": sandbox.connections()}
    http, https = runs["http"], runs["https"]
    return [{"scenario": "tls_cpu", "records": records, "http": http, "https": https,
             "requests_per_second_https_over_http":
                 round(https["requests_per_second"] / http["requests_per_second"], 3),
             "records_per_cpu_second_https_over_http":
                 round(https["records_per_cpu_second"] / http["records_per_cpu_second"], 3),
             "peak_rss_https_minus_http_mib": round(https["peak_rss_mib"] - http["peak_rss_mib"], 1)}]


def announced_quota(full):
    """The sandbox enforces and announces 100 per second (X-RateLimit headers); the
    connector is told 200/s: how many 429s before it follows, and how soon."""
    pages = 6_000 if full else 2_000
    with tempfile.TemporaryDirectory() as work:
        sandbox = Sandbox(work, "--payouts", str(pages * 100 // 500), "--transactions-per-payout", "500",
                          "--unpaid-transactions", "0", "--rate-limit", "100", "--rate-window-ms", "1000",
                          "--rate-limit-headers", "x-ratelimit", "--latency-ms", "50")
        args = write_inputs(work, sandbox.url, ["transactions"], page_size=100, requests_per_second=200)
        output = os.path.join(work, "out.jsonl")
        with open(output, "w") as out:
            seconds, _, _, code, peak = run_connector(args, out)
        requests = sandbox.stop()
        start = min(ms for ms, _ in requests)
        throttled = [ms - start for ms, status in requests if status == 429]
        return [{"scenario": "announced", "announced": "100 per 1 s", "configured": 200, "exit": code,
                 "exact": exact(sandbox, output, ["transactions"]),
                 **rate_figures(requests, 100, 1000),
                 "last_429_after_seconds": round(max(throttled) / 1000, 2) if throttled else None,
                 "wall_seconds": round(seconds, 2), "plot": plot("announced", requests, 100)}]


def black_hole():
    """A server that accepts connections and never answers: how long until every
    stream has failed, with the default timeouts."""
    with tempfile.TemporaryDirectory() as work:
        hole = socket.socket()
        hole.bind(("127.0.0.1", 0))
        hole.listen(64)
        args = write_inputs(work, f"http://127.0.0.1:{hole.getsockname()[1]}/",
                            ["payouts", "transactions"])
        output = os.path.join(work, "out.jsonl")
        with open(output, "w") as out:
            seconds, _, _, code, _ = run_connector(args, out)
        hole.close()
        with open(output) as f:
            failed = [json.loads(line)["trace"]["error"]["stream_descriptor"]["name"] for line in f
                      if '"type":"ERROR"' in line]
        return [{"scenario": "black_hole", "exit": code, "streams_failed": sorted(failed),
                 "seconds_until_all_failed": round(seconds, 1)}]


def pipe_scenario(full):
    """`read` of the transactions into a real pipe drained as fast as it fills (as
    Airbyte's platform reads a source), beside the same read into /dev/null: records
    per second and per CPU-second of the connector, peak RSS, pipe against /dev/null."""
    records = 2_000_000 if full else 1_000_000
    results = []
    with tempfile.TemporaryDirectory() as work:
        sandbox = Sandbox(work, "--payouts", str(records // 500), "--transactions-per-payout", "500",
                          "--unpaid-transactions", "0", "--threads", "1")
        args = write_inputs(work, sandbox.url, ["transactions"], requests_per_second=10000)
        lines = [0]

        def drain(process):
            fd = process.stdout.fileno()
            while chunk := os.read(fd, 1 << 20):
                lines[0] += chunk.count(b"\n")
            process.stdout.close()

        for output in ("pipe", "devnull"):
            if output == "pipe":
                seconds, usage, _, code, peak = run_connector(args, subprocess.PIPE, drain)
            else:
                with open(os.devnull, "w") as null:
                    seconds, usage, _, code, peak = run_connector(args, null)
            cpu = usage.ru_utime + usage.ru_stime
            result = {"scenario": f"read_{output}", "records": records, "exit": code,
                      "wall_seconds": round(seconds, 2), "records_per_second": round(records / seconds),
                      "cpu_seconds": round(cpu, 2), "user_seconds": round(usage.ru_utime, 2),
                      "system_seconds": round(usage.ru_stime, 2),
                      "records_per_cpu_second": round(records / cpu), "peak_rss_mib": peak}
            if output == "pipe":
                # Every record once, plus the protocol's other lines (statuses, states, logs).
                result["lines_read"] = lines[0]
                result["all_records_read"] = lines[0] >= records
            results.append(result)
        sandbox.stop()
    return results


def main():
    import faults  # these import this module too: loaded only when run as a script
    import moving
    import reports
    import shared_quota
    import sync_state
    import tls_env
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*",
                        default=["budget", "https", "two_windows", "latency", "contention",
                                 "announced", "shared_quota", "tls_cpu", "tls_env", "cpu", "sinks", "pipe", "incremental", "fanout",
                                 "resume", "growth", "faults", "reports", "black_hole"])
    parser.add_argument("--full", action="store_true", help="long variants")
    options = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    machine = {"machine": platform.machine(), "cores": os.cpu_count(), "kernel": platform.release()}
    print(json.dumps({"bench": "source-klarna", **machine}), flush=True)
    for scenario in options.scenarios:
        if scenario == "budget":
            results = [budget_scenario("budget", options.full, 50)]
        elif scenario == "https":
            results = [budget_scenario("https", options.full, 50, extra=("--tls",))]
        elif scenario == "two_windows":
            results = [budget_scenario("two_windows", options.full, 50,
                                       extra=("--second-rate-limit", "200", "--second-rate-window-ms", "1000"))]
        elif scenario == "tls_cpu":
            results = tls_cost(options.full)
        elif scenario == "tls_env":
            results = tls_env.tls_environments()
        elif scenario == "shared_quota":
            results = shared_quota.shared_quota()
        elif scenario == "announced":
            results = announced_quota(options.full)
        elif scenario == "black_hole":
            results = black_hole()
        elif scenario == "latency":
            results = [budget_scenario("latency", options.full, 200)]
        elif scenario == "contention":
            results = [budget_scenario("contention", options.full, 50, sandbox_rate=140)]
        elif scenario == "cpu":
            results = cpu_and_memory(options.full)
        elif scenario == "sinks":
            results = sink_scenario(options.full)
        elif scenario == "pipe":
            results = pipe_scenario(options.full)
        elif scenario == "incremental":
            results = sync_state.incremental_second_read(options.full)
        elif scenario == "fanout":
            results = sync_state.fanout_budget(options.full)
        elif scenario == "resume":
            results = sync_state.resume_after_cut()
        elif scenario == "growth":
            results = moving.growth_cost()
        elif scenario == "faults":
            results = faults.faults(options.full)
        elif scenario == "reports":
            results = reports.reports_archive(options.full)
        else:
            sys.exit(f"unknown scenario {scenario}")
        for result in results:
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
