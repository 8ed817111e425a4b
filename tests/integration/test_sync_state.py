"""`sync` into a database continues from the state the database keeps: by default
incrementally (no state file to carry), and a sync that was cut resumes into its
staging table from its last checkpoint, fetching only the rest."""

import json
import os
import signal
import sqlite3
import subprocess
import time
import unittest

from harness import SOURCE, ConnectorTestCase, Postgres, Sandbox


def canonical(records):
    return sorted(json.dumps(r, sort_keys=True) for r in records)


class SqliteTarget:
    def __init__(self, directory):
        self.path = os.path.join(directory, "klarna.db")
        self.uri = "sqlite:" + self.path

    def records(self, stream):
        db = sqlite3.connect(self.path)
        try:
            return [json.loads(r[0]) for r in db.execute(f"SELECT _record FROM {stream} ORDER BY rowid")]
        finally:
            db.close()

    def staging_tables(self):
        db = sqlite3.connect(self.path)
        try:
            return [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE name LIKE '_klarna_staging_%'")]
        finally:
            db.close()

    def stop(self):
        pass


class JsonlTarget:
    """A JSON-lines directory: it keeps its states in DIR/state.json."""

    def __init__(self, directory):
        self.directory = os.path.join(directory, "out")
        self.uri = "jsonl:" + self.directory

    def records(self, stream):
        with open(os.path.join(self.directory, stream + ".jsonl"), encoding="utf-8") as f:
            return [json.loads(line) for line in f]

    def stop(self):
        pass


class PostgresTarget:
    def __init__(self, _directory):
        self.postgres = Postgres()
        self.uri = "postgres:" + self.postgres.conninfo

    def records(self, stream):
        return [json.loads(r[0]) for r in self.postgres.query(f"SELECT _record FROM {stream} ORDER BY _row")]

    def staging_tables(self):
        return [r[0] for r in self.postgres.query(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE '_klarna_staging%'")]

    def stop(self):
        self.postgres.stop()


class SyncStateTest(ConnectorTestCase):

    def sync(self, sandbox, target, *extra, **config):
        path = self.write("config.json", self.config(sandbox.url, **config))
        result = self.run_connector("sync", "--config", path, "--sink", target.uri, *extra)
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        return result

    def test_a_second_sync_into_sqlite_continues_incrementally(self):
        self.continues_incrementally(SqliteTarget(self.tmp.name))

    def test_a_second_sync_into_jsonl_continues_incrementally(self):
        """Transactions continue from state.json; payouts, which an incremental read
        reads again within the lookback window, are read in full into a file."""
        result = self.continues_incrementally(JsonlTarget(self.tmp.name))
        self.assertIn("payouts: full refresh", result.stderr)

    def test_a_second_sync_into_postgres_continues_incrementally(self):
        target = PostgresTarget(self.tmp.name)
        self.addCleanup(target.stop)
        self.continues_incrementally(target)

    def continues_incrementally(self, target):
        with Sandbox("--payouts", "50", "--transactions-per-payout", "30",
                     "--unpaid-transactions", "20") as sandbox:
            self.sync(sandbox, target, page_size=20)
            paid = [t for t in sandbox.truth("transactions") if "payment_reference" in t]
            self.assertEqual(target.records("transactions"), paid)
            self.assertEqual(canonical(target.records("payouts")), canonical(sandbox.truth("payouts")))
            before = sandbox.request_count()
            sandbox.grow(2, settle_unpaid=True)
            result = self.sync(sandbox, target, page_size=20)
            self.assertIn("transactions: incremental after payout_date", result.stderr)
            # Every paid transaction once: the old ones kept, the new payouts' appended.
            paid = [t for t in sandbox.truth("transactions") if "payment_reference" in t]
            self.assertEqual(canonical(target.records("transactions")), canonical(paid))
            self.assertEqual(canonical(target.records("payouts")), canonical(sandbox.truth("payouts")))
            requests = sandbox.request_count() - before
            self.assertLess(requests, 20, "the second sync reads only what is new")
            # --full-refresh replaces the table with the whole listing, unpaid included.
            self.sync(sandbox, target, "--full-refresh", page_size=20)
            self.assertEqual(target.records("transactions"), sandbox.truth("transactions"))
            return result

    def test_a_cut_full_refresh_into_sqlite_resumes_from_its_checkpoint(self):
        self.cut_and_resumed(SqliteTarget(self.tmp.name))

    def test_a_cut_full_refresh_into_postgres_resumes_from_its_checkpoint(self):
        target = PostgresTarget(self.tmp.name)
        self.addCleanup(target.stop)
        self.cut_and_resumed(target)

    def cut_and_resumed(self, target):
        with Sandbox("--payouts", "100", "--transactions-per-payout", "500",
                     "--unpaid-transactions", "0") as sandbox:
            config = self.write("config.json", self.config(sandbox.url, page_size=50,
                                                          requests_per_second=300,
                                                          state_checkpoint_records=2000))
            catalog = self.write("catalog.json", self.catalog("transactions"))
            fresh_pages = len(sandbox.truth("transactions")) // 50
            process = subprocess.Popen([SOURCE, "sync", "--config", config, "--catalog", catalog,
                                        "--sink", target.uri],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            while sandbox.request_count() < fresh_pages * 0.7 and time.monotonic() < deadline:
                time.sleep(0.02)
            process.send_signal(signal.SIGKILL)
            process.wait()
            self.assertTrue(target.staging_tables(), "the cut sync's staging table stays")
            before = sandbox.request_count()
            result = self.run_connector("sync", "--config", config, "--catalog", catalog,
                                        "--sink", target.uri)
            self.assertEqual(result.returncode, 0, result.stderr[-2000:])
            self.assertIn("resuming at record", result.stderr)
            second = sandbox.request_count() - before
            self.assertLess(second, 0.6 * fresh_pages, f"{second} of {fresh_pages} pages fetched again")
            self.assertEqual(target.records("transactions"), sandbox.truth("transactions"))
            self.assertEqual(target.staging_tables(), [])


if __name__ == "__main__":
    unittest.main()
