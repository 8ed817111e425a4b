"""The settlement report archive (bench/run.py reports): `sync --reports DIR` of the
payouts alone, so that the archiving is what runs, against a sandbox that enforces
Klarna's 200 requests/s with 20 ms latency: how much of the budget the archiving uses,
429s, memory, whether every file is archived once with a true manifest; then the same
sync again, which finds nothing to fetch."""

import csv
import hashlib
import os
import tempfile

import run as bench


def report_requests(sandbox_log):
    """(ms, status) of the report requests in the sandbox's log."""
    requests = []
    with open(sandbox_log) as f:
        for line in f:
            ms, status, target = line.split(" ", 2)
            if "/reports/" in target:
                requests.append((int(ms), int(status)))
    return requests


def manifest_is_true(directory, payouts):
    with open(os.path.join(directory, "manifest.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        with open(os.path.join(directory, row["file"]), "rb") as f:
            body = f.read()
        if len(body) != int(row["bytes"]) or hashlib.sha256(body).hexdigest() != row["sha256"]:
            return False
    return sorted(row["file"] for row in rows) == sorted(
        f"{p['payment_reference']}.{kind}" for p in payouts for kind in ("csv", "pdf"))


def reports_archive(full):
    payouts = 2000 if full else 400
    budget = 200
    with tempfile.TemporaryDirectory() as work:
        sandbox = bench.Sandbox(work, "--payouts", str(payouts), "--transactions-per-payout", "100",
                                "--unpaid-transactions", "0", "--latency-ms", "20",
                                "--rate-limit", str(budget), "--rate-window-ms", "5000")
        args = bench.write_inputs(work, sandbox.url, ["payouts"], requests_per_second=budget,
                                  rate_window_seconds=5, start_date="2021-12-01")
        sync = ["sync", "--config", args[2], "--catalog", args[4], "--sink",
                "count:" + os.path.join(work, "counts.txt"),
                "--reports", os.path.join(work, "reports")]
        with open(os.devnull, "w") as null:
            seconds, usage, _, code, peak = bench.run_connector(sync, null)
            first = len(report_requests(sandbox.log))
            again_seconds, _, _, again_code, _ = bench.run_connector(sync, null)
        archive_requests = report_requests(sandbox.log)
        truth = sandbox.truth_lines("payouts")
        sandbox.stop()
        figures = bench.rate_figures(archive_requests[:first], budget, 5000)
        directory = os.path.join(work, "reports")
        size = sum(os.path.getsize(os.path.join(directory, name)) for name in os.listdir(directory))
        return [{"scenario": "reports", "payouts": payouts, "exit": code,
                 "files": first, "archive_mib": round(size / 2 ** 20, 1),
                 "wall_seconds": round(seconds, 2),
                 "archive_rate_over_budget": figures["rate_over_budget"], "429s": figures["429s"],
                 "peak_in_window": figures["peak_in_window"], "window_limit": figures["window_limit"],
                 "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2), "peak_rss_mib": peak,
                 "manifest_true": manifest_is_true(directory, truth),
                 "second_sync_files_fetched": len(archive_requests) - first,
                 "second_sync_exit": again_code, "second_sync_seconds": round(again_seconds, 2)}]
