"""Benchmark of TLS in the environments containers and CI runners give (bench/run.py
tls_env): the same paced read over http, then over HTTPS (the sandbox's CA trusted in
a full system bundle through SSL_CERT_FILE) with SSL_CERT_DIR unset and set, in one run. libcurl alone reads the CA bundle again for every connection when a CA
directory is set; the connector's one trust store should make both cost the same."""

import os
import tempfile

import run as bench

RECORDS, BUDGET, LATENCY_MS = 100_000, 200, 50
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def one_read(tls, cert_dir):
    """100,000 transactions (200 pages) at 200 requests/s with 50 ms latency."""
    with tempfile.TemporaryDirectory() as work:
        sandbox = bench.Sandbox(work, "--payouts", str(RECORDS // 500), "--transactions-per-payout",
                                "500", "--unpaid-transactions", "0", "--latency-ms", str(LATENCY_MS),
                                *(("--tls",) if tls else ()))
        args = bench.write_inputs(work, sandbox.url, ["transactions"], requests_per_second=BUDGET)
        env = {k: v for k, v in os.environ.items()
               if k not in ("SSL_CERT_DIR", "SSL_CERT_FILE", "CURL_CA_BUNDLE")}
        if tls:
            # As in a container whose CA is installed in the system's bundle: the whole
            # bundle (about 140 CAs) with the sandbox's CA added.
            bundle = os.path.join(work, "bundle.pem")
            with open(bundle, "w") as out, open(SYSTEM_BUNDLE) as system, open(sandbox.ca_path) as ca:
                out.write(system.read() + ca.read())
            env["SSL_CERT_FILE"] = bundle
        if cert_dir:
            env["SSL_CERT_DIR"] = cert_dir
        with open(os.devnull, "w") as null:
            seconds, usage, _, code, peak = bench.run_connector(args, null, env=env)
        requests = sandbox.stop()
        figures = bench.rate_figures(requests, BUDGET, 1000)
        return {"exit": code, "requests": len(requests), "connections": sandbox.connections(),
                "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
                "share_of_budget": figures["rate_over_budget"], "peak_rss_mib": peak}


def tls_environments():
    http = one_read(False, None)
    results = []
    for cert_dir in (None, "/etc/ssl/certs"):
        https = one_read(True, cert_dir)
        results.append({"scenario": "tls_env", "SSL_CERT_DIR": cert_dir or "unset", "http": http,
                        "https": https,
                        "cpu_https_over_http": round(https["cpu_seconds"] / http["cpu_seconds"], 2),
                        "share_https_over_http":
                            round(https["share_of_budget"] / http["share_of_budget"], 3)})
    return results
