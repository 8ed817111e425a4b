"""What a newcomer meets in the first hour: picking streams without a hand-written
catalog, errors that suggest the fix, --version and exit codes, a sync that says
where its rows went and how to resume after Ctrl-C, the password outside the config
file, and a progress display that fits the terminal."""

import fcntl
import json
import os
import re
import select
import signal
import sqlite3
import struct
import subprocess
import termios
import time
import unittest

from harness import (API_KEY, SOURCE, ConnectorTestCase, Sandbox, SharedSandboxMixin,
                     errors_of, records_of)


class FirstHourTest(SharedSandboxMixin, ConnectorTestCase):
    SANDBOX_ARGS = ("--payouts", "12", "--transactions-per-payout", "20", "--unpaid-transactions", "7")

    def config_file(self, **fields):
        return self.write("config.json", self.config(self.sandbox.url, **fields))

    def test_version_and_help_name_every_stream(self):
        version = self.run_connector("--version")
        self.assertEqual(version.returncode, 0)
        self.assertRegex(version.stdout.strip(), r"^\d+\.\d+\.\d+$")
        with open(os.path.join(os.environ["REPO_ROOT"], "Dockerfile"), encoding="utf-8") as f:
            self.assertIn(f"io.airbyte.version={version.stdout.strip()}", f.read())
        help_text = self.run_connector("--help").stdout
        for stream in ("payouts", "transactions", "payout_summaries"):
            self.assertIn(stream, help_text)
        self.assertIn("Exit codes", help_text)
        self.assertEqual(self.run_connector("read", "--no-such-option").returncode, 2)

    def test_read_picks_streams_without_a_catalog(self):
        result = self.run_connector("read", "--config", self.config_file(), "--streams", "payouts")
        self.assertEqual(result.returncode, 0, result.stderr)
        messages = self.messages(result.stdout)
        self.assertEqual(records_of(messages, "payouts"), self.sandbox.truth("payouts"))
        self.assertEqual(records_of(messages, "transactions"), [])
        # Neither a catalog nor --streams: what to give instead.
        nothing = self.run_connector("read", "--config", self.config_file())
        self.assertEqual(nothing.returncode, 1)
        self.assertIn("--catalog FILE", nothing.stderr)
        self.assertIn("--streams NAMES", nothing.stderr)
        typo = self.run_connector("read", "--config", self.config_file(), "--streams", "payout")
        self.assertEqual(typo.returncode, 1)
        self.assertIn("did you mean 'payouts'?", typo.stderr)

    def test_catalog_writes_the_configured_catalog_airbyte_would_pass(self):
        made = self.run_connector("catalog", "--streams", "transactions,payouts", "--incremental")
        self.assertEqual(made.returncode, 0, made.stderr)
        catalog = json.loads(made.stdout)
        self.assertEqual([s["stream"]["name"] for s in catalog["streams"]], ["transactions", "payouts"])
        for entry in catalog["streams"]:
            self.assertEqual(entry["sync_mode"], "incremental")
            self.assertIn("json_schema", entry["stream"])
        self.assertEqual(catalog["streams"][1]["destination_sync_mode"], "append_dedup")
        self.assertEqual(catalog["streams"][1]["primary_key"], [["payment_reference"]])
        result = self.run_connector("read", "--config", self.config_file(),
                                    "--catalog", self.write("made.json", made.stdout))
        self.assertEqual(result.returncode, 0, result.stderr)
        messages = self.messages(result.stdout)
        self.assertEqual(records_of(messages, "payouts"), self.sandbox.truth("payouts"))
        paid = [t for t in self.sandbox.truth("transactions") if t.get("payment_reference")]
        self.assertEqual(sorted(map(json.dumps, records_of(messages, "transactions"))),
                         sorted(map(json.dumps, paid)))

    def test_discover_output_as_a_catalog_says_what_to_do(self):
        discovered = self.run_connector("discover", "--config", self.config_file()).stdout
        for text in (discovered, json.dumps(json.loads(discovered)["catalog"])):
            result = self.run_connector("read", "--config", self.config_file(),
                                        "--catalog", self.write("discovered.json", text))
            self.assertEqual(result.returncode, 1)
            self.assertIn("discover's output", result.stderr)
            self.assertIn("source-klarna catalog --streams", result.stderr)

    def test_a_misspelt_config_field_is_an_error_not_a_default(self):
        result = self.run_connector("read", "--config", self.config_file(start_data="2030-01-01"),
                                    "--streams", "payouts")
        self.assertEqual(result.returncode, 1)
        self.assertIn("did you mean 'start_date'?", result.stderr)
        self.assertEqual(records_of(self.messages(result.stdout), "payouts"), [])
        # Further away: a warning, and the read goes on.
        result = self.run_connector("read", "--config", self.config_file(colour="blue"),
                                    "--streams", "payouts")
        self.assertEqual(result.returncode, 0, result.stderr)
        warnings = [m["log"]["message"] for m in self.messages(result.stdout)
                    if m["type"] == "LOG" and m["log"]["level"] == "WARN"]
        self.assertIn("config field 'colour' is not known to this connector and is ignored", warnings)

    def test_the_password_may_come_from_the_environment_or_a_file(self):
        env = dict(os.environ, KLARNA_KEY_FOR_TEST=API_KEY)
        config = self.config_file(username=None, password="env:KLARNA_KEY_FOR_TEST", playground=True)
        result = self.run_connector("read", "--config", config, "--streams", "payouts", env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(records_of(self.messages(result.stdout), "payouts"), self.sandbox.truth("payouts"))
        key_file = self.write("key", API_KEY + "\n")
        config = self.config_file(username=None, password="file:" + key_file, playground=True)
        result = self.run_connector("read", "--config", config, "--streams", "payouts")
        self.assertEqual(result.returncode, 0, result.stderr)
        missing = self.run_connector("check", "--config", self.config_file(
            username=None, password="env:KLARNA_KEY_NOT_SET", playground=True))
        self.assertIn("environment variable 'KLARNA_KEY_NOT_SET', which is not set", missing.stdout)

    def test_sync_says_where_the_rows_went_and_what_it_left_out(self):
        db = os.path.join(self.tmp.name, "out.db")
        result = self.run_connector("sync", "--config", self.config_file(), "--sink", "sqlite:" + db)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(f"synced into sqlite:{db}:", result.stderr)
        self.assertIn("payouts: 12 records", result.stderr)
        self.assertIn("transactions: 240 records", result.stderr)
        self.assertIn("left out: payout_summaries: it needs start_date in the config", result.stderr)
        self.assertIn("left out: transactions not yet paid out", result.stderr)
        # --incremental into a sink that cannot continue says why.
        refused = self.run_connector("sync", "--config", self.config_file(),
                                     "--sink", "count:" + os.path.join(self.tmp.name, "count"),
                                     "--streams", "payouts", "--incremental")
        self.assertEqual(refused.returncode, 1)
        self.assertIn("keeps no state to continue payouts from", refused.stderr)

    def test_one_explanation_of_a_wrong_key_per_run(self):
        db = os.path.join(self.tmp.name, "bad.db")
        config = self.config_file(username=None, password="klarna_test_api_wrong-key", playground=True,
                                  start_date="2021-12-01")
        result = self.run_connector("sync", "--config", config, "--sink", "sqlite:" + db)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr.count("Klarna rejected the API key"), 1, result.stderr)
        self.assertEqual(result.stderr.count("failed the same way (HTTP 401, see above)"), 2, result.stderr)
        self.assertNotIn("waited over 1 ms", result.stderr)


class InterruptTest(ConnectorTestCase):
    def test_ctrl_c_says_how_to_resume_and_the_same_command_does(self):
        with Sandbox("--payouts", "40", "--transactions-per-payout", "100", "--latency-ms", "60") as sandbox:
            db = os.path.join(self.tmp.name, "out.db")
            config = self.write("config.json", self.config(sandbox.url, page_size=20, requests_per_second=40))
            command = [SOURCE, "sync", "--config", config, "--sink", "sqlite:" + db, "--full-refresh"]
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(2)
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=60)
            self.assertEqual(process.returncode, 130, stderr)
            self.assertIn("stopped by SIGINT (Ctrl-C); what was written stays", stderr)
            self.assertIn("Run the same command again to resume", stderr)
            self.assertNotIn("error:", stderr)
            again = subprocess.run(command, capture_output=True, text=True, timeout=300)
            self.assertEqual(again.returncode, 0, again.stderr)
            rows = sqlite3.connect(db).execute("SELECT count(*) FROM transactions").fetchone()[0]
            self.assertEqual(rows, len(sandbox.truth("transactions")))


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class ProgressDisplayTest(ConnectorTestCase):
    def display_at(self, sandbox, columns):
        """What sync draws on a terminal `columns` wide: every line as the terminal
        shows it, escape sequences taken out."""
        db = os.path.join(self.tmp.name, f"out-{columns}.db")
        config = self.write("config.json", self.config(sandbox.url, page_size=20, requests_per_second=100,
                                                       start_date="2021-12-01"))
        leader, follower = os.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        process = subprocess.Popen([SOURCE, "sync", "--config", config, "--sink", "sqlite:" + db],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower)
        os.close(follower)
        output = b""
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the process closed its end
                break
            if not chunk:
                break
            output += chunk
        process.wait(timeout=60)
        os.close(leader)
        self.assertEqual(process.returncode, 0, output.decode(errors="replace")[-2000:])
        text = output.decode()
        return [ANSI.sub("", piece) for line in re.split(r"\r?\n", text) for piece in line.split("\r")]

    def test_the_display_fits_80_and_160_columns_with_its_columns_aligned(self):
        with Sandbox("--payouts", "30", "--transactions-per-payout", "40", "--latency-ms", "20") as sandbox:
            for columns in (80, 160):
                lines = self.display_at(sandbox, columns)
                frame = [line for line in lines if line and not line.startswith("source-klarna:")]
                for line in frame:
                    self.assertLess(len(line), columns, f"wider than {columns} columns: {line!r}")
                rows = [line for line in frame if re.match(r"^(payouts|transactions|payout_summaries) +\d", line)]
                self.assertTrue(rows, "\n".join(lines[-20:]))
                self.assertEqual(len({line.index(" records") for line in rows}), 1, "\n".join(rows))


if __name__ == "__main__":
    unittest.main()
