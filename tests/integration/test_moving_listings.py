"""Exact and finite against a Klarna that moves: listings served in either order grow
while they are read (klarna-sandbox --order, --grow-after-pages), dates past the
data end promptly, an actor that dies ends the read, and a hostile server's totals,
pages, links and texts are refused or shown harmlessly."""

import collections
import http.server
import json
import os
import subprocess
import threading
import time
import unittest

from harness import (SOURCE, ConnectorTestCase, Sandbox, errors_of, last_states, peak_rss_mib,
                     records_of, statuses_of)

# 30 payouts of 20 transactions and 10 unpaid: at page_size 10 (9 new records a
# page after the first) payouts take 4 pages, all transactions 68, transactions per
# payout 4 + 30 x 3 = 94.
DATA = ("--payouts", "30", "--transactions-per-payout", "20", "--unpaid-transactions", "10")
GROWN_PAYOUTS = 4
PAGES = {"payouts": 4, "transactions": 68, "incremental transactions": 94}


def catalog_for(stream, mode):
    return {"streams": [{"stream": {"name": stream, "json_schema": {},
                                    "supported_sync_modes": ["full_refresh", "incremental"]},
                         "sync_mode": mode, "destination_sync_mode": "append"}]}


def as_keys(records):
    return collections.Counter(json.dumps(record, sort_keys=True) for record in records)


class MovingListingTest(ConnectorTestCase):
    def read_ok(self, sandbox, catalog, state=None, **fields):
        extra = ["--state", self.write("state.json", state)] if state is not None else []
        result = self.read(self.config(sandbox.url, page_size=10, **fields), catalog, *extra)
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        messages = self.messages(result.stdout)
        for stream in catalog["streams"]:
            self.assertEqual(statuses_of(messages, stream["stream"]["name"])[-1], "COMPLETE")
        return messages

    def check_growth(self, order, case, moment):
        stream, mode = {"payouts": ("payouts", "full_refresh"),
                        "transactions": ("transactions", "full_refresh"),
                        "incremental transactions": ("transactions", "incremental")}[case]
        after = {"first": 1, "middle": PAGES[case] // 2, "last": PAGES[case]}[moment]
        # Incremental transactions are those of payouts: the unpaid ones come later.
        paid = (lambda records: [r for r in records if r.get("payment_reference")]) \
            if mode == "incremental" and stream == "transactions" else (lambda records: records)
        with Sandbox(*DATA, "--order", order, "--grow-after-pages", str(after),
                     "--grow-payouts", str(GROWN_PAYOUTS)) as sandbox:
            before = as_keys(paid(sandbox.truth(stream)))
            catalog = catalog_for(stream, mode)
            messages = self.read_ok(sandbox, catalog)
            got = as_keys(records_of(messages, stream))
            grown = as_keys(paid(sandbox.truth(stream)))
            self.assertGreater(sum(grown.values()), sum(before.values()), "the listing grew")
            # Every record there when the read began, once; nothing twice; what
            # arrived during the read at most once.
            self.assertEqual(before - got, collections.Counter(), "records lost")
            self.assertEqual(max(got.values()), 1, "records doubled")
            self.assertEqual(got - grown, collections.Counter(), "records not in the truth")
            # The next read completes the picture exactly.
            if mode == "incremental":
                again = records_of(self.read_ok(sandbox, catalog, last_states(messages)), stream)
                self.assertEqual(got + as_keys(again), grown)
            else:
                self.assertEqual(as_keys(records_of(self.read_ok(sandbox, catalog), stream)), grown)
            return messages, sandbox.requests()

    def test_growth_matrix(self):
        for order in ("oldest-first", "newest-first"):
            for case in PAGES:
                for moment in ("first", "middle", "last"):
                    with self.subTest(order=order, case=case, moment=moment):
                        self.check_growth(order, case, moment)

    def test_the_payouts_listing_ends_where_the_read_began(self):
        with Sandbox(*DATA) as sandbox:
            began = time.time()
            self.read_ok(sandbox, catalog_for("payouts", "full_refresh"))
            targets = [target for _, _, target in sandbox.requests() if "/payouts?" in target]
        self.assertTrue(targets)
        for target in targets:
            end = target.split("end_date=")[1].split("&")[0].replace("%3A", ":")
            seconds = time.mktime(time.strptime(end, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
            self.assertLess(abs(seconds - began), 5, target)

    def test_a_start_date_in_the_future_ends_promptly_with_nothing(self):
        future = "2099-03-01"
        cases = [("payouts", "full_refresh"), ("payouts", "incremental"),
                 ("transactions", "incremental"), ("payout_summaries", "full_refresh")]
        with Sandbox(*DATA) as sandbox:
            for stream, mode in cases:
                with self.subTest(stream=stream, mode=mode):
                    started = time.monotonic()
                    messages = self.read_ok(sandbox, catalog_for(stream, mode), start_date=future)
                    self.assertLess(time.monotonic() - started, 20)
                    self.assertEqual(records_of(messages, stream), [])
            together = {"streams": [s for stream, mode in cases[1:]
                                    for s in catalog_for(stream, mode)["streams"]]}
            messages = self.read_ok(sandbox, together, start_date=future)
            self.assertEqual([m for m in messages if m["type"] == "RECORD"], [])

    def test_an_actor_that_dies_ends_the_read_within_a_second(self):
        with Sandbox(*DATA, "--latency-ms", "5") as sandbox:
            env = dict(os.environ, SOURCE_KLARNA_TEST_PLANNER_THROWS_AFTER_PAGES="3")
            config = self.write("config.json", self.config(sandbox.url, page_size=10))
            catalog = self.write("catalog.json", {"streams": catalog_for("payouts", "full_refresh")["streams"]
                                                  + catalog_for("transactions", "full_refresh")["streams"]})
            process = subprocess.Popen([SOURCE, "read", "--config", config, "--catalog", catalog],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            stdout, stderr = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 1, stderr[-2000:])
        messages = self.messages(stdout)
        errors = errors_of(messages)
        self.assertTrue(errors)
        self.assertTrue(all(e["failure_type"] == "system_error" for e in errors), errors)
        self.assertIn("actor stopped", errors[0]["message"])
        for stream in ("payouts", "transactions"):
            self.assertEqual(statuses_of(messages, stream)[-1], "INCOMPLETE")
        # From the death (the third page) to the end: the read summary's own clock.
        self.assertRegex(stderr, r"in [0-9.]+ s")
        elapsed = float(stderr.split(" in ")[-1].split(" s")[0])
        self.assertLess(elapsed, 2.0, stderr[-500:])


class HostileHandler(http.server.BaseHTTPRequestHandler):
    """Answers with `pages(handler)`: (status, body bytes)."""
    answer = None
    requests = []

    def do_GET(self):
        HostileHandler.requests.append(self.path)
        status, body = HostileHandler.answer(self)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def payouts_page(count, offset=0, **pagination):
    records = [{"payment_reference": f"P{offset + i}", "payout_date": "2024-01-01T00:00:00Z"}
               for i in range(count)]
    return json.dumps({"payouts": records, "pagination": {"count": count, **pagination}}).encode()


class HostileListingTest(ConnectorTestCase):
    def serve(self, answer):
        HostileHandler.answer = staticmethod(answer)
        HostileHandler.requests = []
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HostileHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    def read_failing(self, answer, state=None, **fields):
        """Runs a read of payouts against `answer`; its messages, stderr and peak RSS."""
        url = self.serve(answer)
        args = [SOURCE, "read", "--config", self.write("config.json", self.config(url, max_attempts=2, **fields)),
                "--catalog", self.write("catalog.json", self.catalog("payouts"))]
        if state is not None:
            args += ["--state", self.write("state.json", state)]
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = 0.0
        while process.poll() is None:
            try:
                peak = max(peak, peak_rss_mib(process.pid))
            except (FileNotFoundError, ProcessLookupError, StopIteration):
                pass
            time.sleep(0.02)
        stdout, stderr = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 1, stderr[-2000:])
        messages = self.messages(stdout)
        self.assertEqual(statuses_of(messages, "payouts")[-1], "INCOMPLETE")
        return messages, stderr, peak

    def test_a_next_link_to_the_same_page_is_an_error_not_a_loop(self):
        def answer(handler):
            return 200, payouts_page(500, next="http://" + handler.headers["Host"] + handler.path)
        messages, _, _ = self.read_failing(answer)
        self.assertIn("does not move forward", errors_of(messages)[0]["message"])
        self.assertEqual(len(HostileHandler.requests), 1)

    def test_a_huge_total_is_a_hint_checked_against_the_pages(self):
        messages, _, peak = self.read_failing(lambda _: (200, payouts_page(30, total=10**15)))
        self.assertIn("a short page before the end is refused", errors_of(messages)[0]["message"])
        self.assertLess(peak, 128)
        self.assertEqual(len(HostileHandler.requests), 1)

    def test_a_page_with_more_records_than_asked_is_refused_as_it_is_read(self):
        body = b'{"payouts":[' + b",".join([b"{}"] * 8_000_000) + b'],"pagination":{"count":8000000,"total":8000000}}'
        messages, _, peak = self.read_failing(lambda _: (200, body))
        self.assertIn("more than the 500 records asked for", errors_of(messages)[0]["internal_message"]
                      + errors_of(messages)[0]["message"])
        self.assertLess(peak, 128)

    def test_a_state_offset_past_the_listing_is_refused(self):
        url = self.serve(lambda _: (200, payouts_page(0, total=1030)))
        for listing in ({"offset": 1_000_000, "total": 1030}, {"offset": 9223372036854775807},
                        {"offset": 1_000_000}):
            with self.subTest(listing=listing):
                HostileHandler.requests = []
                state = [{"type": "STREAM", "stream": {"stream_descriptor": {"name": "payouts"},
                          "stream_state": {"listing": listing}}}]
                result = self.read(self.config(url), self.catalog("payouts"),
                                   "--state", self.write("state.json", state))
                self.assertEqual(result.returncode, 1, result.stderr[-2000:])
                errors = errors_of(self.messages(result.stdout))
                self.assertEqual([e["failure_type"] for e in errors], ["config_error"])
                self.assertIn("offset", errors[0]["message"])
                # Refused before any request, or at the first answer (no total in the state).
                self.assertLessEqual(len(HostileHandler.requests), 1)

    def test_server_text_cannot_forge_lines_or_drive_a_terminal(self):
        forged = "\r\nsource-klarna: read finished: all good\x1b[2J\x1b]0;owned\x07"
        body = json.dumps({"error_code": "BAD" + forged, "error_messages": ["x" * (10 << 20)],
                           "correlation_id": forged}).encode()
        url = self.serve(lambda _: (400, body))
        result = self.run_connector("sync", "--config", self.write("c.json", self.config(url)),
                                    "--sink", "jsonl:" + os.path.join(self.tmp.name, "out"))
        self.assertEqual(result.returncode, 1)
        for text in (result.stderr,):
            self.assertNotIn("\x1b", text)
            self.assertNotIn("\x07", text)
            self.assertNotIn("\r", text)
            self.assertNotIn("\nsource-klarna: read finished: all good", text)
        self.assertIn("\\x1b[2J", result.stderr)
        self.assertIn("more bytes cut]", result.stderr)
        self.assertLess(len(result.stderr), 100_000)


if __name__ == "__main__":
    unittest.main()


class OneWriterTest(ConnectorTestCase):
    """A second sync into a destination in use fails at once, the first stays exact,
    and a holder killed with SIGKILL leaves no stale lock."""

    def start_sync(self, sandbox, sink):
        # Held to 40 requests/s so that it is still running when the second starts.
        config = self.write("slow.json", self.config(sandbox.url, page_size=10, requests_per_second=40))
        return subprocess.Popen([SOURCE, "sync", "--config", config, "--sink", sink, "--full-refresh"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def second_sync(self, sandbox, sink):
        return self.run_connector("sync", "--config", self.write("fast.json", self.config(sandbox.url)),
                                  "--sink", sink, "--full-refresh")

    def wait_running(self, process, lock_path=None):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            self.assertIsNone(process.poll(), "the first sync ended too early")
            if lock_path is None or (os.path.exists(lock_path) and str(process.pid) in open(lock_path).read()):
                time.sleep(0.5)
                return
            time.sleep(0.05)
        self.fail("the first sync never took its lock")

    def check_one_writer(self, sink, lock_path, stored):
        with Sandbox(*DATA) as sandbox:
            first = self.start_sync(sandbox, sink)
            self.wait_running(first, lock_path)
            second = self.second_sync(sandbox, sink)
            self.assertEqual(second.returncode, 1, second.stderr[-2000:])
            self.assertIn("is in use by another sync", second.stderr)
            if lock_path:
                self.assertIn(f"process {first.pid} since", second.stderr)
            _, stderr = first.communicate(timeout=120)
            self.assertEqual(first.returncode, 0, stderr[-2000:])
            self.assertEqual(as_keys(stored("transactions")), as_keys(sandbox.truth("transactions")))
            # A holder killed outright leaves no lock behind.
            killed = self.start_sync(sandbox, sink)
            self.wait_running(killed, lock_path)
            killed.kill()
            killed.wait()
            again = self.second_sync(sandbox, sink)
            self.assertEqual(again.returncode, 0, again.stderr[-2000:])

    def test_sqlite(self):
        path = os.path.join(self.tmp.name, "k.db")

        def stored(stream):
            import sqlite3
            with sqlite3.connect(path) as db:
                return [json.loads(row[0]) for row in db.execute(f"SELECT _record FROM {stream}")]
        self.check_one_writer("sqlite:" + path, path + ".lock", stored)

    def test_jsonl(self):
        directory = os.path.join(self.tmp.name, "out")

        def stored(stream):
            with open(os.path.join(directory, stream + ".jsonl")) as f:
                return [json.loads(line) for line in f]
        self.check_one_writer("jsonl:" + directory, os.path.join(directory, ".source-klarna.lock"), stored)

    def test_postgres(self):
        from harness import Postgres
        postgres = Postgres()
        self.addCleanup(postgres.stop)

        def stored(stream):
            return [json.loads(row[0]) for row in postgres.query(f"SELECT _record FROM {stream}")]
        self.check_one_writer("postgres:" + postgres.conninfo, None, stored)


class JsonLinesCrashWindowTest(ConnectorTestCase):
    def test_a_crash_between_the_file_and_the_state_resumes_exactly(self):
        directory = os.path.join(self.tmp.name, "out")
        state_path = os.path.join(directory, "state.json")
        catalog = catalog_for("transactions", "incremental")
        paid = lambda records: as_keys(r for r in records if r.get("payment_reference"))
        with Sandbox(*DATA) as sandbox:
            config = self.config(sandbox.url, page_size=10)
            first = self.read(config, catalog, "--sink", "jsonl:" + directory)
            self.assertEqual(first.returncode, 0, first.stderr[-2000:])
            sandbox.grow(3)
            # Killed right after the file took the new records, before state.json did.
            crashed = self.read(config, catalog, "--sink", "jsonl:" + directory, "--state", state_path,
                                env=dict(os.environ, SOURCE_KLARNA_TEST_JSONL_CRASH_BEFORE_STATE="1"))
            self.assertEqual(crashed.returncode, -9, crashed.stderr[-2000:])
            with open(os.path.join(directory, "transactions.jsonl")) as f:
                self.assertGreater(sum(1 for _ in f), sum(paid(sandbox.truth("transactions")).values())
                                   - 3 * 20, "the crash came after the file was renamed")
            resumed = self.read(config, catalog, "--sink", "jsonl:" + directory, "--state", state_path)
            self.assertEqual(resumed.returncode, 0, resumed.stderr[-2000:])
            with open(os.path.join(directory, "transactions.jsonl")) as f:
                stored = as_keys(json.loads(line) for line in f)
            self.assertEqual(stored, paid(sandbox.truth("transactions")))
