"""`sync` into each sink: the stored records equal the sandbox's ground truth
(unicode, amounts beyond double precision, absent optional fields), interrupted or
failing syncs leave no half-written result and rerun to an exact one; into a
database, a second sync continues incrementally from the state the database keeps,
and a cut one resumes into its staging table."""

import csv
import json
import os
import re
import resource
import signal
import statistics
import sqlite3
import subprocess
import time
import unittest

from harness import (PASSWORD, SOURCE, ConnectorTestCase, Postgres, SharedSandboxMixin, Sandbox,
                     errors_of, peak_rss_mib, requests_once_stalled, statuses_of)


def canonical(records):
    return [json.dumps(r, sort_keys=True) for r in records]


class SinkRoundTripTest(SharedSandboxMixin, ConnectorTestCase):
    SANDBOX_ARGS = ("--payouts", "30", "--transactions-per-payout", "200",
                    "--unpaid-transactions", "150", "--seed", "3", "--extreme-values")

    def sync(self, sink, *extra, config=None):
        """A full refresh: every record the sandbox has, unpaid transactions included."""
        config_path = self.write("config.json", config or self.config(self.sandbox.url, page_size=50))
        return self.run_connector("sync", "--config", config_path, "--sink", sink, "--full-refresh",
                                  *extra)

    def test_sqlite_rows_equal_the_ground_truth(self):
        path = os.path.join(self.tmp.name, "klarna.db")
        result = self.sync("sqlite:" + path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "", "sync keeps stdout free")
        db = sqlite3.connect(path)
        self.addCleanup(db.close)
        db.row_factory = sqlite3.Row
        for stream, order in (("payouts", "payment_reference"), ("transactions", "rowid")):
            truth = self.sandbox.truth(stream)
            rows = db.execute(f"SELECT * FROM {stream} ORDER BY {order}").fetchall()
            stored = [json.loads(row["_record"]) for row in rows]
            if stream == "payouts":
                truth = sorted(truth, key=lambda p: p["payment_reference"])
            self.assertEqual(canonical(stored), canonical(truth), stream)
            # Typed columns carry the same values, NULL where a field is absent.
            for row, record in zip(rows, truth):
                for column in row.keys():
                    if column == "_record":
                        continue
                    if column.startswith("totals_"):
                        expected = record["totals"].get(column[len("totals_"):])
                    else:
                        expected = record.get(column)
                    self.assertEqual(row[column], expected, f"{stream}.{column}")
        amounts = {row[0] for row in db.execute("SELECT amount FROM transactions")}
        self.assertIn(9007199254740993, amounts)
        self.assertTrue(db.execute("SELECT count(*) FROM transactions WHERE payment_reference IS NULL").fetchone()[0])
        states = dict(db.execute("SELECT stream, state FROM _klarna_state").fetchall())
        self.assertEqual(json.loads(states["transactions"])["sourceStats"]["recordCount"],
                         len(self.sandbox.truth("transactions")))
        self.assertFalse(db.execute("SELECT name FROM sqlite_master WHERE name LIKE '_klarna_staging_%'").fetchall())

    def test_sqlite_rerun_does_not_double_anything(self):
        path = os.path.join(self.tmp.name, "klarna.db")
        for _ in range(2):
            self.assertEqual(self.sync("sqlite:" + path).returncode, 0)
        db = sqlite3.connect(path)
        self.addCleanup(db.close)
        for stream in ("payouts", "transactions"):
            count = db.execute(f"SELECT count(*) FROM {stream}").fetchone()[0]
            self.assertEqual(count, len(self.sandbox.truth(stream)), stream)

    def test_jsonl_files_equal_the_ground_truth(self):
        directory = os.path.join(self.tmp.name, "out")
        result = self.sync("jsonl:" + directory)
        self.assertEqual(result.returncode, 0, result.stderr)
        for stream in ("payouts", "transactions"):
            with open(os.path.join(directory, stream + ".jsonl"), encoding="utf-8") as f:
                stored = [json.loads(line) for line in f]
            self.assertEqual(stored, self.sandbox.truth(stream), stream)
        with open(os.path.join(directory, "state.json")) as f:
            self.assertEqual({s["stream"]["stream_descriptor"]["name"] for s in json.load(f)},
                             {"payouts", "transactions"})
        # The lock file says which sync holds the directory (one writer at a time).
        self.assertEqual(sorted(os.listdir(directory)),
                         [".source-klarna.lock", "payouts.jsonl", "state.json", "transactions.jsonl"])

    def test_jsonl_records_reach_the_disk_before_the_state_covers_them(self):
        # After a power cut, state.json must never say a stream is complete while its
        # file lacks records: strace (installed by scripts/install-deps.sh) shows each
        # file synchronised before its rename, and each rename before the next step.
        directory = os.path.join(self.tmp.name, "out")
        trace = os.path.join(self.tmp.name, "trace")
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"  # no LeakSanitizer under ptrace
        config = self.write("config.json", self.config(self.sandbox.url, page_size=50))
        result = subprocess.run(["strace", "-f", "-qq", "-y", "-e", "trace=fdatasync,fsync,rename,renameat,renameat2",
                                 "-o", trace, SOURCE, "sync", "--config", config, "--sink", "jsonl:" + directory,
                                 "--full-refresh"], capture_output=True, text=True, timeout=300, env=env)
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        with open(trace) as f:
            calls = [line.split(None, 1)[1] for line in f if " " in line]  # without the thread id

        def first(pattern, after):
            for at in range(after + 1, len(calls)):
                if re.match(pattern, calls[at]):
                    return at
            self.fail(f"no {pattern} after call {after} of:\n" + "".join(calls))

        def synced(path, after):
            return first(rf"f(data)?sync\(\d+<{re.escape(path)}>", after)

        def renamed(path, to, after):
            return first(rf'rename(at2?)?\(.*"{re.escape(path)}", .*"{re.escape(to)}"', after)

        temporary, state = os.path.join(directory, "state.json.tmp"), os.path.join(directory, "state.json")
        for stream in ("payouts", "transactions"):
            part = os.path.join(directory, stream + ".jsonl.part")
            at = renamed(part, os.path.join(directory, stream + ".jsonl"), synced(part, -1))
            at = renamed(temporary, state, synced(temporary, synced(directory, at)))
            synced(directory, at)
        with open(os.path.join(directory, "transactions.jsonl"), encoding="utf-8") as f:
            self.assertEqual([json.loads(line) for line in f], self.sandbox.truth("transactions"))

    def test_the_example_count_sink(self):
        path = os.path.join(self.tmp.name, "counts.txt")
        result = self.sync("count:" + path, "--catalog", self.write("catalog.json", self.catalog("transactions")))
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(path) as f:
            self.assertEqual(f.read(), f"transactions {len(self.sandbox.truth('transactions'))} complete\n")

    def test_the_example_csv_sink_rows_equal_the_ground_truth(self):
        directory = os.path.join(self.tmp.name, "csv")
        result = self.sync("csv:" + directory)
        self.assertEqual(result.returncode, 0, result.stderr)
        for stream in ("payouts", "transactions"):
            truth = self.sandbox.truth(stream)
            with open(os.path.join(directory, stream + ".csv"), newline="", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
            self.assertEqual(len(rows), len(truth), stream)
            for row, record in zip(rows, truth):
                for column, text in row.items():
                    value = record.get(column)
                    expected = "" if value is None else value if isinstance(value, str) else json.dumps(
                        value, separators=(",", ":"), ensure_ascii=False)
                    self.assertEqual(text, expected, f"{stream}.{column}")
        self.assertFalse([name for name in os.listdir(directory) if name.endswith(".part")])

    def test_airbyte_sink_through_read_is_the_default(self):
        result = self.read(self.config(self.sandbox.url), self.catalog("payouts"), "--sink", "airbyte:")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len([m for m in self.messages(result.stdout) if m["type"] == "RECORD"]),
                         len(self.sandbox.truth("payouts")))

    def test_read_into_another_sink_still_reports_to_airbyte_on_stdout(self):
        """The records go to the sink; statuses, logs and errors stay Airbyte messages
        on stdout, a failed stream's reason included."""
        directory = os.path.join(self.tmp.name, "out")
        result = self.read(self.config(self.sandbox.url), self.catalog("payouts"),
                           "--sink", "jsonl:" + directory)
        self.assertEqual(result.returncode, 0, result.stderr)
        messages = self.messages(result.stdout)
        self.assertFalse([m for m in messages if m["type"] in ("RECORD", "STATE")])
        self.assertEqual(statuses_of(messages, "payouts"), ["STARTED", "RUNNING", "COMPLETE"])
        self.assertTrue([m for m in messages if m["type"] == "LOG"
                         and m["log"]["message"].startswith("read ")], "the summary")
        with open(os.path.join(directory, "payouts.jsonl"), encoding="utf-8") as f:
            self.assertEqual(len(f.readlines()), len(self.sandbox.truth("payouts")))

        failed = self.read(self.config(self.sandbox.url, password="not-the-password"),
                           self.catalog("payouts"), "--sink", "jsonl:" + directory)
        self.assertEqual(failed.returncode, 1, failed.stderr)
        messages = self.messages(failed.stdout)
        self.assertEqual(statuses_of(messages, "payouts"), ["STARTED", "INCOMPLETE"])
        errors = errors_of(messages)
        self.assertEqual(len(errors), 1, failed.stdout)
        self.assertIn("401", errors[0]["message"])

    def test_bad_sink_uris_are_clear_errors(self):
        before = self.sandbox.request_count()
        cases = [("parquet:/tmp/x", "--sink must be one of airbyte:, count:FILE, csv:DIR, jsonl:DIR, "
                                    "postgres:CONNINFO, sqlite:FILE"),
                 ("csv:/proc/no-such/dir", "cannot create directory"),
                 ("sqlite:", "names no target; expected sqlite:FILE"),
                 ("sqlite:/nonexistent-dir/x.db", "cannot open the database"),
                 ("jsonl:/proc/no-such/dir", "cannot create directory"),
                 ("airbyte:somewhere", "takes no target")]
        for uri, expected in cases:
            with self.subTest(uri=uri):
                result = self.sync(uri)
                self.assertEqual(result.returncode, 1)
                self.assertIn(expected, result.stderr)
        self.assertEqual(self.sandbox.request_count(), before, "a bad sink fails before any request")


class InterruptedSyncTest(ConnectorTestCase):
    def test_sigterm_leaves_the_last_complete_sync_and_a_rerun_is_exact(self):
        with Sandbox("--payouts", "40", "--transactions-per-payout", "500",
                     "--unpaid-transactions", "0", "--latency-ms", "5") as sandbox:
            path = os.path.join(self.tmp.name, "klarna.db")
            fast = self.write("fast.json", self.config(sandbox.url, page_size=100))
            slow = self.write("slow.json", self.config(sandbox.url, page_size=10, requests_per_second=100))
            # A complete sync, then one stopped half way through transactions.
            self.assertEqual(self.run_connector("sync", "--config", fast, "--sink", "sqlite:" + path,
                                                "--full-refresh").returncode, 0)
            process = subprocess.Popen([SOURCE, "sync", "--config", slow, "--sink", "sqlite:" + path,
                                        "--full-refresh"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            time.sleep(3)
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=30)
            self.assertNotIn(PASSWORD, stderr)
            self.assertEqual(process.returncode, 128 + signal.SIGTERM, stderr)
            db = sqlite3.connect(path)
            self.addCleanup(db.close)
            # The interrupted sync's batches are not visible: the table is the last complete sync.
            stored = [json.loads(r[0]) for r in db.execute("SELECT _record FROM transactions ORDER BY rowid")]
            self.assertEqual(stored, sandbox.truth("transactions"))
            # And a rerun is exact.
            self.assertEqual(self.run_connector("sync", "--config", fast, "--sink", "sqlite:" + path,
                                                "--full-refresh").returncode, 0)
            stored = [json.loads(r[0]) for r in db.execute("SELECT _record FROM transactions ORDER BY rowid")]
            self.assertEqual(stored, sandbox.truth("transactions"))

    def test_a_sink_write_error_stops_the_sync_without_a_partial_file(self):
        with Sandbox("--payouts", "20", "--transactions-per-payout", "500", "--unpaid-transactions", "0") as sandbox:
            directory = os.path.join(self.tmp.name, "out")
            config = self.write("config.json", self.config(sandbox.url, page_size=100))

            def small_files():
                # Files may not grow past 1 MiB: the transactions file fails (EFBIG).
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

            result = subprocess.run([SOURCE, "sync", "--config", config, "--sink", "jsonl:" + directory],
                                    capture_output=True, text=True, timeout=120, preexec_fn=small_files)
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertIn("cannot write", result.stderr)
            self.assertIn("transactions.jsonl.part", result.stderr)
            self.assertNotIn("transactions.jsonl", [n for n in os.listdir(directory)])
            self.assertNotIn("transactions.jsonl.part", os.listdir(directory))


if __name__ == "__main__":
    unittest.main()


class PostgresSinkTest(SharedSandboxMixin, ConnectorTestCase):
    """The same promises against a real PostgreSQL server started for the test."""

    SANDBOX_ARGS = SinkRoundTripTest.SANDBOX_ARGS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.postgres = Postgres()

    @classmethod
    def tearDownClass(cls):
        cls.postgres.stop()
        super().tearDownClass()

    def sync(self, config, *extra):
        return self.run_connector("sync", "--config", self.write("config.json", config),
                                  "--sink", "postgres:" + self.postgres.conninfo, "--full-refresh", *extra)

    def stored(self, stream, order):
        return [json.loads(row[0]) for row in
                self.postgres.query(f"SELECT _record FROM {stream} ORDER BY {order}")]

    def test_rows_equal_the_ground_truth_and_reruns_do_not_double(self):
        for _ in range(2):
            result = self.sync(self.config(self.sandbox.url, page_size=50))
            self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.stored("transactions", "_row"), self.sandbox.truth("transactions"))
        self.assertEqual(canonical(self.stored("payouts", "payment_reference")),
                         canonical(sorted(self.sandbox.truth("payouts"), key=lambda p: p["payment_reference"])))
        # Typed columns: exact big amounts, NULL where a field is absent.
        rows = self.postgres.query("SELECT amount, vat_amount, _record FROM transactions ORDER BY _row")
        for amount, vat, record in rows:
            record = json.loads(record)
            self.assertEqual(int(amount), record["amount"])
            self.assertEqual(None if vat is None else int(vat), record.get("vat_amount"))
        self.assertIn(["9007199254740993"], self.postgres.query("SELECT amount FROM transactions"))
        for sale, record in self.postgres.query("SELECT totals_sale_amount, _record FROM payouts"):
            self.assertEqual(int(sale), json.loads(record)["totals"]["sale_amount"])
        states = dict(self.postgres.query("SELECT stream, state FROM _klarna_state"))
        self.assertEqual(json.loads(states["transactions"])["sourceStats"]["recordCount"],
                         len(self.sandbox.truth("transactions")))
        self.assertEqual(self.postgres.query("SELECT tablename FROM pg_tables WHERE tablename LIKE '_klarna_staging%'"), [])

    def test_a_table_made_by_an_older_version_gains_the_columns_a_newer_schema_adds(self):
        self.assertEqual(self.sync(self.config(self.sandbox.url, page_size=50)).returncode, 0)
        # As an older version's schema without the field made it.
        self.postgres.query("ALTER TABLE payouts DROP COLUMN totals_sale_amount")
        result = self.sync(self.config(self.sandbox.url, page_size=50))
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = self.postgres.query("SELECT totals_sale_amount, _record FROM payouts")
        self.assertEqual(len(rows), len(self.sandbox.truth("payouts")))
        for sale, record in rows:
            self.assertEqual(int(sale), json.loads(record)["totals"]["sale_amount"])

    def test_an_interrupted_sync_leaves_the_last_complete_one(self):
        self.assertEqual(self.sync(self.config(self.sandbox.url, page_size=50)).returncode, 0)
        slow = self.write("slow.json", self.config(self.sandbox.url, page_size=2, requests_per_second=50))
        process = subprocess.Popen([SOURCE, "sync", "--config", slow, "--sink", "postgres:" + self.postgres.conninfo,
                                    "--full-refresh"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 128 + signal.SIGTERM, stderr)
        self.assertEqual(self.stored("transactions", "_row"), self.sandbox.truth("transactions"))
        self.assertEqual(self.sync(self.config(self.sandbox.url, page_size=50)).returncode, 0)
        self.assertEqual(self.stored("transactions", "_row"), self.sandbox.truth("transactions"))

    def test_a_server_that_cannot_be_reached_is_a_clear_error_without_its_password(self):
        result = self.run_connector("sync", "--config", self.write("c.json", self.config(self.sandbox.url)),
                                    "--sink", "postgres:host=127.0.0.1 port=1 user=x password=Db-Secret-123")
        self.assertEqual(result.returncode, 1)
        self.assertIn("--sink postgres:...: PostgreSQL: cannot connect", result.stderr)
        self.assertNotIn("Db-Secret-123", result.stderr + result.stdout)


class SlowSinkTest(ConnectorTestCase):
    """A sink that cannot keep up holds back fetching: requests stop within the
    credits and memory stays bounded, then the sync finishes exact."""

    SANDBOX = ("--payouts", "100", "--transactions-per-payout", "500", "--unpaid-transactions", "0")

    def test_a_locked_sqlite_database_holds_back_fetching(self):
        with Sandbox(*self.SANDBOX) as sandbox:
            path = os.path.join(self.tmp.name, "klarna.db")
            config = self.write("config.json", self.config(sandbox.url, page_size=20))
            catalog = self.write("catalog.json", self.catalog("transactions"))
            # Create the tables, then hold the database's write lock from here.
            self.assertEqual(self.run_connector("sync", "--config", config, "--catalog", catalog,
                                                "--sink", "sqlite:" + path).returncode, 0)
            before = sandbox.request_count()
            blocker = sqlite3.connect(path, isolation_level=None)
            self.addCleanup(blocker.close)
            blocker.execute("BEGIN IMMEDIATE")
            process = subprocess.Popen([SOURCE, "sync", "--config", config, "--catalog", catalog,
                                        "--sink", "sqlite:" + path],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            try:
                stalled = requests_once_stalled(sandbox, process) - before
                rss = peak_rss_mib(process.pid)
            finally:
                blocker.execute("ROLLBACK")
            _, stderr = process.communicate(timeout=120)
            self.assertEqual(process.returncode, 0, stderr)
            self.assertLess(stalled, 100, "of 2,500 pages")
            self.assertLess(rss, 128)
            db = sqlite3.connect(path)
            self.addCleanup(db.close)
            stored = [json.loads(r[0]) for r in db.execute("SELECT _record FROM transactions ORDER BY rowid")]
            self.assertEqual(stored, sandbox.truth("transactions"))

    def test_a_slowly_drained_jsonl_file_holds_back_fetching(self):
        with Sandbox(*self.SANDBOX) as sandbox:
            directory = os.path.join(self.tmp.name, "out")
            os.makedirs(directory)
            # The part file is a FIFO that this test drains only after the stall.
            fifo = os.path.join(directory, "transactions.jsonl.part")
            os.mkfifo(fifo)
            config = self.write("config.json", self.config(sandbox.url, page_size=20))
            catalog = self.write("catalog.json", self.catalog("transactions"))
            process = subprocess.Popen([SOURCE, "sync", "--config", config, "--catalog", catalog,
                                        "--sink", "jsonl:" + directory],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            with open(fifo, "rb") as drain:
                stalled = requests_once_stalled(sandbox, process)
                rss = peak_rss_mib(process.pid)
                lines = drain.read().decode("utf-8").splitlines()
            _, stderr = process.communicate(timeout=120)
            self.assertEqual(process.returncode, 0, stderr)
            self.assertLess(stalled, 100, "of 2,500 pages")
            self.assertLess(rss, 128)
            self.assertEqual([json.loads(l) for l in lines], sandbox.truth("transactions"))


class SlowPostgresTest(ConnectorTestCase):
    def test_a_stalled_postgres_server_holds_back_fetching(self):
        postgres = Postgres()
        self.addCleanup(postgres.stop)
        with Sandbox(*SlowSinkTest.SANDBOX) as sandbox:
            config = self.write("config.json", self.config(sandbox.url, page_size=20))
            catalog = self.write("catalog.json", self.catalog("transactions"))
            process = subprocess.Popen([SOURCE, "sync", "--config", config, "--catalog", catalog,
                                        "--sink", "postgres:" + postgres.conninfo],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            while sandbox.request_count() < 10:
                time.sleep(0.05)
            # The database server stops answering (SIGSTOP) until the stall is seen.
            with open(os.path.join(postgres.dir, "data", "postmaster.pid")) as f:
                postmaster = int(f.readline())
            children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True,
                                      text=True).stdout.split()
            server = [postmaster, *map(int, children)]
            for pid in server:
                os.kill(pid, signal.SIGSTOP)
            try:
                stalled = requests_once_stalled(sandbox, process)
                rss = peak_rss_mib(process.pid)
            finally:
                for pid in server:
                    os.kill(pid, signal.SIGCONT)
            _, stderr = process.communicate(timeout=120)
            self.assertEqual(process.returncode, 0, stderr)
            # Within the credits, plus the 4 MiB a COPY sends before it waits for the
            # server's confirmation (stores/postgres_store.hpp).
            page_bytes = 20 * statistics.mean(len(json.dumps(r)) for r in sandbox.truth("transactions"))
            self.assertLess(stalled, 150 + (4 << 20) / page_bytes, "of 2,500 pages")
            self.assertLess(rss, 128)
            stored = [json.loads(r[0]) for r in postgres.query("SELECT _record FROM transactions ORDER BY _row")]
            self.assertEqual(stored, sandbox.truth("transactions"))
