"""Process-level faults on a running sync: SIGINT/SIGTERM, a reader that goes away,
an output that cannot be written."""

import fcntl
import json
import os
import signal
import subprocess
import threading
import time
import unittest

from harness import (PASSWORD, SOURCE, ConnectorTestCase, SharedSandboxMixin, errors_of,
                     records_of, statuses_of)


class RunningSyncTest(SharedSandboxMixin, ConnectorTestCase):
    # 2,000 transaction pages at 100 requests/s: a sync that runs for ~20 s.
    SANDBOX_ARGS = ("--payouts", "40", "--transactions-per-payout", "500",
                    "--unpaid-transactions", "0", "--latency-ms", "5")

    def start(self, stdout):
        config = self.write("config.json", self.config(self.sandbox.url, page_size=10,
                                                       requests_per_second=100))
        catalog = self.write("catalog.json", self.catalog("payouts", "transactions"))
        self.stderr_path = os.path.join(self.tmp.name, "stderr.txt")
        stderr = open(self.stderr_path, "w")
        self.addCleanup(stderr.close)
        process = subprocess.Popen([SOURCE, "read", "--config", config, "--catalog", catalog],
                                   stdout=stdout, stderr=stderr)
        self.addCleanup(lambda: process.poll() is None and process.kill())
        return process

    def stderr_text(self):
        with open(self.stderr_path) as f:
            text = f.read()
        self.assertNotIn(PASSWORD, text)
        return text

    def interrupt_after_records(self, signal_number):
        process = self.start(subprocess.PIPE)
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(process.stdout))
        reader.start()
        while sum(1 for line in lines[:] if b'"stream":"transactions"' in line) < 500:
            self.assertIsNone(process.poll(), "the sync ended before it could be interrupted")
            time.sleep(0.05)
        process.send_signal(signal_number)
        sent = time.monotonic()
        process.wait(timeout=30)
        stopped_after = time.monotonic() - sent
        reader.join()
        process.stdout.close()
        return process.returncode, stopped_after, b"".join(lines).decode("utf-8")

    def check_interrupted_output(self, output, signal_name):
        messages = self.messages(output)
        transactions = records_of(messages, "transactions")
        truth = self.sandbox.truth("transactions")
        # What was emitted is exact: the first records of the truth, none doubled.
        self.assertGreaterEqual(len(transactions), 500)
        self.assertLess(len(transactions), len(truth))
        self.assertEqual(transactions, truth[:len(transactions)])
        self.assertEqual(statuses_of(messages, "transactions")[-1], "INCOMPLETE")
        self.assertNotIn("COMPLETE", statuses_of(messages, "transactions"))
        errors = [e for e in errors_of(messages) if e["stream_descriptor"]["name"] == "transactions"]
        self.assertEqual(len(errors), 1)
        self.assertIn(signal_name, errors[0]["message"])
        self.assertFalse([m for m in messages if m["type"] == "STATE"
                          and m["state"]["stream"]["stream_descriptor"]["name"] == "transactions"],
                         "no STATE for an interrupted stream")

    def test_sigterm_stops_the_sync_within_five_seconds(self):
        code, seconds, output = self.interrupt_after_records(signal.SIGTERM)
        self.assertEqual(code, 128 + signal.SIGTERM)
        self.assertLess(seconds, 5)
        self.check_interrupted_output(output, "SIGTERM")
        self.assertIn("stopped by SIGTERM; what was written stays", self.stderr_text())
        self.assertIn("To resume, read again with the last STATE", self.stderr_text())

    def test_sigint_stops_the_sync_within_five_seconds(self):
        code, seconds, output = self.interrupt_after_records(signal.SIGINT)
        self.assertEqual(code, 128 + signal.SIGINT)
        self.assertLess(seconds, 5)
        self.check_interrupted_output(output, "SIGINT")

    def test_a_stdout_pipe_is_widened_so_a_page_goes_in_one_write(self):
        process = self.start(subprocess.PIPE)
        first = process.stdout.readline()  # the connector is running and has written
        self.assertTrue(first)
        self.assertEqual(fcntl.fcntl(process.stdout.fileno(), fcntl.F_GETPIPE_SZ), 1 << 20)
        process.kill()
        process.wait()
        process.stdout.close()

    def test_reader_closing_stdout_ends_the_sync_with_a_clear_line(self):
        process = self.start(subprocess.PIPE)
        first = process.stdout.readline()
        self.assertEqual(json.loads(first)["type"], "TRACE")
        process.stdout.close()
        process.wait(timeout=30)
        self.assertEqual(process.returncode, 1, "an exit, not a crash or a signal")
        self.assertIn("writing to stdout failed: Broken pipe", self.stderr_text())

    def test_unwritable_output_fails_without_reporting_success(self):
        with open("/dev/full", "w") as full:
            process = self.start(full)
            process.wait(timeout=30)
        self.assertEqual(process.returncode, 1)
        self.assertIn("writing to stdout failed: No space left on device", self.stderr_text())


if __name__ == "__main__":
    unittest.main()
