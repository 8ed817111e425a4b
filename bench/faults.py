"""Benchmark of transient faults (bench/run.py faults): the same paced read of the
transactions with 0, 0.5%, 1%, 2% and 5% of the answers spoiled (drawn from 500,
503, reset and truncated, as a flaky network and a busy API spoil them), over http
and over HTTPS, in one run. A fault should cost its own page a retry, not stall the
pipeline: the figure is each run's throughput as a share of the fault-free one."""

import os
import shutil
import subprocess
import tempfile

import run as bench

BUDGET, LATENCY_MS = 200, 20
RATES = (0, 0.005, 0.01, 0.02, 0.05)
KINDS = ("500", "503", "reset", "truncated")


def one_read(transactions, tls, rate):
    """`transactions` (500 a page) at 200 requests/s with 20 ms latency, `rate` of the
    answers spoiled (the same seeded draws in every run)."""
    with tempfile.TemporaryDirectory() as work:
        sandbox = bench.Sandbox(work, "--payouts", str(transactions // 500), "--transactions-per-payout",
                                "500", "--unpaid-transactions", "0", "--latency-ms", str(LATENCY_MS),
                                "--jitter-ms", str(LATENCY_MS // 4), "--rate-limit", str(BUDGET),
                                "--rate-window-ms", "1000", "--fault-rate", str(rate),
                                "--faults", *KINDS, *(("--tls",) if tls else ()))
        args = bench.write_inputs(work, sandbox.url, ["transactions"], requests_per_second=BUDGET,
                                  rate_window_seconds=1, **sandbox.trust())
        output = os.path.join(work, "out.jsonl")
        with open(output, "w") as out:
            seconds, usage, _, code, peak = bench.run_connector(args, out)
        requests = sandbox.stop()
        figures = bench.rate_figures(requests, BUDGET, 1000)
        pages = transactions // 500
        return {"exit": code, "exact": bench.exact(sandbox, output, ["transactions"]),
                "requests": len(requests),
                "failed": sum(1 for _, status in requests if status not in (200, 429)),
                "429s": figures["429s"], "busy_seconds": figures["busy_seconds"],
                "pages_per_second": round(pages / figures["busy_seconds"], 1),
                "share_of_budget": round(pages / figures["busy_seconds"] / BUDGET, 3),
                "wall_seconds": round(seconds, 2),
                "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2), "peak_rss_mib": peak,
                "per_second": per_second(requests)}


def per_second(requests):
    """Requests answered in each 100 ms since the first, as requests/s."""
    start = min(ms for ms, _ in requests)
    counts = {}
    for ms, _ in requests:
        counts[(ms - start) // 100] = counts.get((ms - start) // 100, 0) + 1
    return [counts.get(slot, 0) * 10 for slot in range(max(counts) + 1)]


def plot(name, runs):
    """requests/s over time, one line per fault rate (gnuplot, when installed)."""
    if not shutil.which("gnuplot"):
        return None
    lines = []
    for rate, run in runs:
        data = os.path.join(bench.OUT, f"{name}_{rate}.dat")
        with open(data, "w") as f:
            for slot, value in enumerate(run["per_second"]):
                f.write(f"{slot / 10} {value}\n")
        lines.append(f"'{data}' with steps title '{rate * 100:g}% faults'")
    png = os.path.join(bench.OUT, name + ".png")
    script = (f"set terminal png size 1000,450; set output '{png}'; set xlabel 'seconds';"
              f"set ylabel 'requests/s (per 100 ms)'; set yrange [0:{BUDGET * 2}];"
              f"plot {', '.join(lines)}, {BUDGET} title 'budget' lw 2")
    subprocess.run(["gnuplot", "-e", script], check=False)
    return os.path.relpath(png, bench.ROOT)


def faults(full):
    """The sweep over http and HTTPS: 500,000 transactions (1,000 pages, 5 s at the
    budget; 2,000,000 and 4,000 pages with --full), the fault-free read of the same
    scheme as reference. A retried page near the end of a read cannot be hidden, so
    short reads (the issue's 400 pages) show that tail more than the pipeline."""
    transactions = 2_000_000 if full else 500_000
    results = []
    for tls in (False, True):
        scheme = "https" if tls else "http"
        runs = [(rate, one_read(transactions, tls, rate)) for rate in RATES]
        reference = runs[0][1]["pages_per_second"]
        for rate, run in runs:
            figures = {k: v for k, v in run.items() if k != "per_second"}
            results.append({"scenario": "faults", "scheme": scheme, "fault_rate": rate,
                            "pages": transactions // 500, **figures,
                            "share_of_fault_free": round(run["pages_per_second"] / reference, 3)})
        # BENCH_LABEL names the plots of a run, to keep another build's beside them.
        label = os.environ.get("BENCH_LABEL", "")
        results[-1]["plot"] = plot(f"faults_{scheme}" + ("_full" if full else "")
                                   + (f"_{label}" if label else ""), runs)
    return results
