"""Exact and finite against a Klarna that moves: listings served in either order grow
while they are read (klarna-sandbox --order, --grow-after-pages), dates past the
data end promptly, an actor that dies ends the read, one writer per destination, and
the JSON-lines sink's crash window. A hostile server's totals, pages, links and texts:
test_hostile_server.py."""

import collections
import json
import os
import re
import subprocess
import time
import unittest

from harness import (SOURCE, ConnectorTestCase, Sandbox, errors_of, last_states,
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
        took = re.search(r"retried\) in ([0-9.]+) s", stderr)
        self.assertIsNotNone(took, stderr[-500:])
        elapsed = float(took.group(1))
        self.assertLess(elapsed, 2.0, stderr[-500:])


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
