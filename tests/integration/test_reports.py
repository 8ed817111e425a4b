"""`sync --reports DIR`: each payout's CSV and PDF settlement report archived once,
under the sync's budget, with a manifest whose sizes and hashes are the files'; a sync
cut while archiving is resumed by the next; new payouts' reports come with them."""

import csv
import hashlib
import io
import os
import re
import signal
import subprocess
import time
import urllib.parse

from harness import SOURCE, ConnectorTestCase, Sandbox

SIZE = ("--payouts", "40", "--transactions-per-payout", "30", "--unpaid-transactions", "10")
START = "2021-12-01"
REPORT_PATHS = {"/settlements/v1/reports/payout-with-transactions": "csv",
                "/settlements/v1/reports/payout": "pdf"}


def report_requests(sandbox):
    """(file, status) of every report request the sandbox answered, in order."""
    requests = []
    for _, status, target in sandbox.requests():
        url = urllib.parse.urlsplit(target.strip())
        if url.path in REPORT_PATHS:
            reference = urllib.parse.parse_qs(url.query)["payment_reference"][0]
            requests.append((f"{reference}.{REPORT_PATHS[url.path]}", status))
    return requests


def read_manifest(directory):
    with open(os.path.join(directory, "manifest.csv"), newline="") as f:
        return list(csv.DictReader(f))


class ReportArchiveTest(ConnectorTestCase):
    def sync(self, sandbox, directory, **config):
        path = self.write("config.json", self.config(sandbox.url, start_date=START, **config))
        return self.run_connector("sync", "--config", path, "--sink",
                                  "sqlite:" + os.path.join(self.tmp.name, "klarna.db"),
                                  "--reports", directory)

    def check_archive(self, directory, payouts, transactions):
        """Every payout's two files, each once in the manifest, with its size and hash;
        the CSV's rows are the payout's transactions, the PDF a whole PDF."""
        manifest = read_manifest(directory)
        files = [row["file"] for row in manifest]
        self.assertEqual(sorted(files), sorted(f"{p['payment_reference']}.{kind}"
                                               for p in payouts for kind in ("csv", "pdf")))
        dates = {p["payment_reference"]: p["payout_date"] for p in payouts}
        for row in manifest:
            with open(os.path.join(directory, row["file"]), "rb") as f:
                body = f.read()
            self.assertEqual(int(row["bytes"]), len(body), row["file"])
            self.assertEqual(row["sha256"], hashlib.sha256(body).hexdigest(), row["file"])
            self.assertEqual(row["payout_date"], dates[row["payment_reference"]])
            mine = [t for t in transactions if t.get("payment_reference") == row["payment_reference"]]
            if row["file"].endswith(".csv"):
                lines = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
                self.assertEqual([(r["order_id"], int(r["amount"]), r["type"]) for r in lines],
                                 [(t["order_id"], t["amount"], t["type"]) for t in mine], row["file"])
            else:
                self.check_pdf(body, row["file"])
        self.assertEqual([name for name in os.listdir(directory) if name.endswith(".partial")], [])

    def check_pdf(self, body, name):
        self.assertTrue(body.startswith(b"%PDF-1.4\n") and body.rstrip().endswith(b"%%EOF"), name)
        # The cross-reference table points at each object.
        xref = int(re.search(rb"startxref\n(\d+)\n", body).group(1))
        entries = re.findall(rb"(\d{10}) 00000 n ", body[xref:])
        self.assertGreater(len(entries), 3, name)
        for number, offset in enumerate(entries, start=1):
            self.assertTrue(body[int(offset):].startswith(f"{number} 0 obj".encode()), name)

    def test_each_payout_s_reports_once_with_a_true_manifest(self):
        directory = os.path.join(self.tmp.name, "reports")
        with Sandbox(*SIZE, "--extreme-values") as sandbox:
            result = self.sync(sandbox, directory)
            self.assertEqual(result.returncode, 0, result.stderr[-2000:])
            payouts, transactions = sandbox.truth("payouts"), sandbox.truth("transactions")
            self.check_archive(directory, payouts, transactions)
            requests = report_requests(sandbox)
            self.assertEqual(len(requests), len(set(requests)), "each file fetched once")
            self.assertIn(f"settlement reports of {len(payouts)} payouts: {2 * len(payouts)} files written",
                          result.stderr)
            with open(os.path.join(directory, "listed-through")) as f:
                self.assertEqual(f.read(), payouts[-1]["payout_date"] + "\n", "the next sync lists from here")

            # Incremental: the next sync fetches the reports of new payouts only.
            sandbox.grow(3)
            again = self.sync(sandbox, directory)
            self.assertEqual(again.returncode, 0, again.stderr[-2000:])
            payouts, transactions = sandbox.truth("payouts"), sandbox.truth("transactions")
            self.check_archive(directory, payouts, transactions)
            new = {f"{p['payment_reference']}.{kind}" for p in payouts[-3:] for kind in ("csv", "pdf")}
            self.assertEqual({file for file, _ in report_requests(sandbox)[len(requests):]}, new)

    def test_a_sync_cut_while_archiving_is_resumed_by_the_next(self):
        directory = os.path.join(self.tmp.name, "reports")
        # 80 files at 20 requests/s: the archiving takes seconds, and is cut in the middle.
        with Sandbox(*SIZE, "--latency-ms", "20") as sandbox:
            config = self.write("config.json", self.config(sandbox.url, start_date=START,
                                                          requests_per_second=20))
            command = [SOURCE, "sync", "--config", config, "--reports", directory,
                       "--sink", "sqlite:" + os.path.join(self.tmp.name, "klarna.db")]
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            manifest = os.path.join(directory, "manifest.csv")
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if os.path.exists(manifest) and len(read_manifest(directory)) >= 20:
                    break
                time.sleep(0.02)
            process.send_signal(signal.SIGKILL)
            process.wait()
            before = read_manifest(directory)
            self.assertTrue(20 <= len(before) < 80, len(before))
            cut = len(report_requests(sandbox))

            result = self.run_connector(*command[1:])
            self.assertEqual(result.returncode, 0, result.stderr[-2000:])
            self.check_archive(directory, sandbox.truth("payouts"), sandbox.truth("transactions"))
            again = [file for file, _ in report_requests(sandbox)[cut:]]
            self.assertFalse({row["file"] for row in before} & set(again),
                             "a file archived before the cut is not fetched again")

    def test_faults_on_report_files_are_retried_and_never_archived(self):
        directory = os.path.join(self.tmp.name, "reports")
        with Sandbox(*SIZE, "--fault-rate", "0.25", "--faults", "500,reset,truncated,malformed,wrong_shape",
                     "--fault-seed", "11") as sandbox:
            result = self.sync(sandbox, directory, max_attempts=10, page_size=10)
            self.assertEqual(result.returncode, 0, result.stderr[-2000:])
            self.check_archive(directory, sandbox.truth("payouts"), sandbox.truth("transactions"))
            statuses = [status for _, status in report_requests(sandbox)]
            self.assertGreater(sum(status != 200 for status in statuses), 0, "faults were injected")

    def test_a_directory_that_cannot_be_used_is_an_error_before_any_request(self):
        taken = self.write("taken", "a file, not a directory")
        with Sandbox(*SIZE) as sandbox:
            result = self.sync(sandbox, taken)
            self.assertEqual(result.returncode, 1)
            self.assertIn("--reports", result.stderr)
            self.assertIn(taken, result.stderr)
            self.assertEqual(sandbox.request_count(), 0)
