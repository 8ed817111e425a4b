"""Incremental payouts, checkpoints and resumable full refresh against klarna-sandbox,
whose data grows between syncs (POST /admin/grow)."""

import datetime
import json
import random
import signal
import subprocess
import unittest

from harness import (BASIC_TOKEN, PASSWORD, SOURCE, ConnectorTestCase, Sandbox, errors_of,
                     last_states, records_of, states_of)

SMALL = ("--payouts", "60", "--transactions-per-payout", "40", "--unpaid-transactions", "25")
DAY_SECONDS = 86400


def catalog_of(**modes):
    return {"streams": [{"stream": {"name": name, "json_schema": {},
                                    "supported_sync_modes": ["full_refresh", "incremental"]},
                         "sync_mode": mode, "destination_sync_mode": "append"}
                        for name, mode in modes.items()]}


def epoch(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def summary_key(summary):
    return summary["summary_settlement_currency"], summary["summary_payout_date_start"]


def summaries_of(payouts):
    """What /payouts/summary must answer month by month: per currency, the sums of
    the payouts' totals and their first and last payout_date."""
    groups = {}
    for payout in payouts:
        groups.setdefault((payout["payout_date"][:7], payout["currency_code"]), []).append(payout)
    summaries = []
    for (_, currency), group in sorted(groups.items()):
        summary = {"summary_settlement_currency": currency,
                   "summary_payout_date_start": min(p["payout_date"] for p in group),
                   "summary_payout_date_end": max(p["payout_date"] for p in group)}
        for total in ("fee_correction", "release", "tax", "settlement", "holdback", "reversal",
                      "return", "fee", "commission", "sale", "repay"):
            summary[f"summary_total_{total}_amount"] = sum(p["totals"].get(f"{total}_amount", 0)
                                                          for p in group)
        summaries.append(summary)
    return summaries


def sandbox_requests(sandbox):
    with open(sandbox.request_log) as f:
        return [line.rstrip("\n").split(" ", 2) for line in f]


def emitted_before(messages, index, stream):
    """Records of `stream` emitted before messages[index]."""
    return records_of(messages[:index], stream)


class IncrementalTest(ConnectorTestCase):

    def run_read(self, sandbox, catalog, state=None, **config):
        extra = ("--state", self.write("state.json", state)) if state is not None else ()
        result = self.read(self.config(sandbox.url, **config), catalog, *extra)
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        for line in result.stdout.splitlines():
            if '"STATE"' in line:
                self.assertNotIn(PASSWORD, line)
                self.assertNotIn(BASIC_TOKEN, line)
        return self.messages(result.stdout), result

    def test_discover_offers_incremental_payouts_with_a_cursor_in_the_schema(self):
        with Sandbox(*SMALL) as sandbox:
            result = self.run_connector("discover", "--config",
                                        self.write("config.json", self.config(sandbox.url)))
        streams = {s["name"]: s for s in json.loads(result.stdout.splitlines()[-1])["catalog"]["streams"]}
        payouts = streams["payouts"]
        self.assertEqual(payouts["supported_sync_modes"], ["full_refresh", "incremental"])
        self.assertTrue(payouts["source_defined_cursor"])
        self.assertEqual(payouts["default_cursor_field"], ["payout_date"])
        self.assertIn("payout_date", payouts["json_schema"]["properties"])
        self.assertIn("payout_date", payouts["json_schema"]["required"])
        for stream in streams.values():
            self.assertTrue(stream["is_resumable"])

    def test_two_sequential_reads_emit_only_new_payouts_and_those_in_the_lookback(self):
        with Sandbox(*SMALL) as sandbox:
            catalog = catalog_of(payouts="incremental", transactions="full_refresh")
            first, _ = self.run_read(sandbox, catalog)
            old = sandbox.truth("payouts")
            self.assertEqual(records_of(first, "payouts"), old)
            self.assertEqual(records_of(first, "transactions"), sandbox.truth("transactions"))
            cursor = states_of(first, "payouts")[-1]["stream"]["stream_state"]["payout_date"]
            self.assertEqual(cursor, max(old, key=lambda p: epoch(p["payout_date"]))["payout_date"])

            sandbox.grow(3)
            second, result = self.run_read(sandbox, catalog, last_states(first))
            now = sandbox.truth("payouts")
            new = now[len(old):]
            self.assertEqual(len(new), 3)
            lookback_start = epoch(cursor) - DAY_SECONDS
            expected = [p for p in now if epoch(p["payout_date"]) >= lookback_start]
            got = records_of(second, "payouts")
            self.assertEqual(got, expected)
            for payout in new:
                self.assertIn(payout, got)
            self.assertLess(len(got), len(now) // 4, "old payouts outside the lookback came again")
            final = states_of(second, "payouts")[-1]["stream"]["stream_state"]
            self.assertEqual(final, {"payout_date": new[-1]["payout_date"]})
            self.assertIn("payouts: incremental after payout_date " + cursor, result.stdout)

            # With no lookback, only the payouts at or after the cursor come again.
            third, _ = self.run_read(sandbox, catalog_of(payouts="incremental"), last_states(second),
                                     lookback_window_days=0)
            self.assertEqual(records_of(third, "payouts"), [new[-1]])

    def test_incremental_transactions_are_those_of_new_payouts_each_exactly_once(self):
        with Sandbox(*SMALL) as sandbox:
            catalog = catalog_of(payouts="incremental", transactions="incremental")
            first, _ = self.run_read(sandbox, catalog, page_size=7)
            paid = [t for t in sandbox.truth("transactions") if "payment_reference" in t]
            self.assertEqual(records_of(first, "transactions"), paid, "the first read: every paid-out transaction")
            self.assertLess(len(paid), len(sandbox.truth("transactions")), "unpaid ones wait for their payout")

            # New payouts, one of which pays out the transactions that had none.
            sandbox.grow(3, settle_unpaid=True)
            second, result = self.run_read(sandbox, catalog, last_states(first), page_size=7)
            new_references = {p["payment_reference"] for p in sandbox.truth("payouts")[60:]}
            expected = [t for t in sandbox.truth("transactions") if t.get("payment_reference") in new_references]
            got = records_of(second, "transactions")
            self.assertEqual(sorted(map(json.dumps, got)), sorted(map(json.dumps, expected)))
            self.assertEqual(len(got), 3 * 40 + 25)
            # Payout by payout, in the payouts listing's order.
            order = [t["payment_reference"] for t in got]
            self.assertEqual(sorted(set(order), key=order.index),
                             [p["payment_reference"] for p in sandbox.truth("payouts")[60:]])
            # The payouts stream re-reads its lookback; transactions never repeat.
            self.assertGreater(len(records_of(second, "payouts")), 3)
            third, _ = self.run_read(sandbox, catalog, last_states(second))
            self.assertEqual(records_of(third, "transactions"), [])

    def test_payout_summaries_add_up_per_currency_and_month_and_reread_two_months(self):
        # Payouts every 8 hours from 100 days ago to about 3 days ago: the previous
        # month has payouts whatever today is.
        now = datetime.datetime.now(datetime.timezone.utc)
        first_payout = (now - datetime.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
        with Sandbox("--payouts", "290", "--transactions-per-payout", "3",
                     "--first-payout-date", first_payout) as sandbox:
            catalog = catalog_of(payout_summaries="incremental")
            first, _ = self.run_read(sandbox, catalog, start_date="2021-11-20")
            got = records_of(first, "payout_summaries")
            expected = summaries_of(sandbox.truth("payouts"))
            self.assertEqual(sorted(got, key=summary_key), sorted(expected, key=summary_key))
            self.assertGreater(len({s["summary_payout_date_start"][:7] for s in got}), 3)
            months = [t for _, _, t in sandbox_requests(sandbox) if "/payouts/summary" in t]
            self.assertEqual(len(months), (now.year - 2021) * 12 + now.month - 11 + 1)

            before = len(months)
            second, _ = self.run_read(sandbox, catalog, last_states(first), start_date="2021-11-20")
            months = [t for _, _, t in sandbox_requests(sandbox) if "/payouts/summary" in t]
            self.assertEqual(len(months) - before, 2, "only the current and the previous month")
            previous = (now.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m-01")
            self.assertTrue(any(f"start_date={previous}T00" in target for target in months[before:]),
                            months[before:])
            recent = [s for s in expected if s["summary_payout_date_start"] >= previous]
            self.assertGreater(len(recent), 0)
            self.assertEqual(sorted(records_of(second, "payout_summaries"), key=summary_key),
                             sorted(recent, key=summary_key))

    def test_payout_summaries_need_a_start_date(self):
        with Sandbox(*SMALL) as sandbox:
            result = self.read(self.config(sandbox.url), catalog_of(payout_summaries="full_refresh"))
        self.assertNotEqual(result.returncode, 0)
        error = errors_of(self.messages(result.stdout))[0]
        self.assertEqual(error["failure_type"], "config_error")
        self.assertIn("stream 'payout_summaries' needs 'start_date'", error["message"])

    def test_a_future_cursor_reads_nothing_and_keeps_the_cursor(self):
        with Sandbox(*SMALL) as sandbox:
            state = [{"type": "STREAM", "stream": {"stream_descriptor": {"name": name},
                                                   "stream_state": {"payout_date": "2999-01-01T00:00:00Z"}}}
                     for name in ("payouts", "transactions")]
            messages, _ = self.run_read(sandbox, catalog_of(payouts="incremental",
                                                            transactions="incremental"), state)
        self.assertEqual(errors_of(messages), [])
        for stream in ("payouts", "transactions"):
            self.assertEqual(records_of(messages, stream), [])
            states = states_of(messages, stream)
            self.assertEqual(len(states), 1)
            self.assertEqual(states[0]["stream"]["stream_state"], {"payout_date": "2999-01-01T00:00:00Z"})

    def test_sequential_slices_resume_from_any_state_exactly(self):
        self.slices({"payouts": "incremental", "transactions": "full_refresh"})

    def test_sequential_slices_of_incremental_transactions(self):
        self.slices({"transactions": "incremental"})

    def slices(self, modes):
        """Resuming from any intermediate STATE, joined with what came before it, is
        exactly the records of one uninterrupted read."""
        with Sandbox(*SMALL) as sandbox:
            full, _ = self.run_read(sandbox, catalog_of(**modes), page_size=7,
                                    state_checkpoint_records=10)
            truth = {"payouts": sandbox.truth("payouts"), "transactions": sandbox.truth("transactions")}
            if modes.get("transactions") == "incremental":
                truth["transactions"] = [t for t in truth["transactions"] if "payment_reference" in t]
            for stream in modes:
                self.assertEqual(records_of(full, stream), truth[stream])
                positions = [i for i, m in enumerate(full) if m["type"] == "STATE"
                             and m["state"]["stream"]["stream_descriptor"]["name"] == stream][:-1]
                self.assertGreaterEqual(len(positions), 3, stream)
                for index in random.Random(7).sample(positions, 3) + [positions[0], positions[-1]]:
                    state = full[index]["state"]
                    rest, _ = self.run_read(sandbox, catalog_of(**{stream: modes[stream]}), [state],
                                            page_size=7)
                    joined = emitted_before(full, index, stream) + records_of(rest, stream)
                    self.assertEqual(joined, truth[stream], f"{stream} resumed from {state}")

    def test_a_cut_full_refresh_resumes_without_loss_or_doubles(self):
        with Sandbox("--payouts", "1000", "--transactions-per-payout", "500",
                     "--unpaid-transactions", "100") as sandbox:
            config = self.write("config.json", self.config(sandbox.url))
            catalog = self.write("catalog.json", catalog_of(transactions="full_refresh"))
            process = subprocess.Popen([SOURCE, "read", "--config", config, "--catalog", catalog],
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            cut_after = random.Random().randint(50_000, 400_000)
            seen = 0
            lines = []
            for line in process.stdout:
                lines.append(line)
                if line.startswith(b'{"type":"RECORD"'):
                    seen += 1
                    if seen >= cut_after:
                        break
            process.send_signal(signal.SIGKILL)
            lines += process.stdout.read().splitlines(keepends=True)
            process.wait()
            process.stdout.close()
            complete = [line for line in lines if line.endswith(b"\n")]
            messages = [json.loads(line) for line in complete]
            last_state = max(i for i, m in enumerate(messages) if m["type"] == "STATE")
            before = emitted_before(messages, last_state, "transactions")
            self.assertGreater(len(before), 0)
            rest, result = self.run_read(sandbox, catalog_of(transactions="full_refresh"),
                                         [messages[last_state]["state"]])
            truth = sandbox.truth("transactions")
            self.assertEqual(len(before) + len(records_of(rest, "transactions")), len(truth))
            self.assertTrue(before + records_of(rest, "transactions") == truth,
                            f"cut after {cut_after} records: the joined records differ from the truth")
            self.assertIn("resuming at record " + str(len(before)), result.stdout)

    def test_a_changed_total_restarts_the_listing_with_a_warning(self):
        with Sandbox(*SMALL) as sandbox:
            catalog = catalog_of(transactions="full_refresh")
            first, _ = self.run_read(sandbox, catalog, page_size=7, state_checkpoint_records=20)
            middle = [s for s in states_of(first, "transactions")
                      if "listing" in s["stream"]["stream_state"]][5]
            sandbox.grow(2, settle_unpaid=True)
            second, _ = self.run_read(sandbox, catalog, [middle], page_size=7)
            self.assertEqual(records_of(second, "transactions"), sandbox.truth("transactions"))
            warnings = [m["log"]["message"] for m in second
                        if m["type"] == "LOG" and m["log"]["level"] == "WARN"]
            self.assertTrue(any("read again from the start" in w for w in warnings), warnings)

    def test_a_state_this_connector_did_not_write_is_a_config_error(self):
        with Sandbox(*SMALL) as sandbox:
            state = self.write("state.json", [{"type": "STREAM", "stream": {
                "stream_descriptor": {"name": "payouts"},
                "stream_state": {"payout_date": "yesterday"}}}])
            result = self.read(self.config(sandbox.url), catalog_of(payouts="incremental"),
                               "--state", state)
        self.assertNotEqual(result.returncode, 0)
        error = errors_of(self.messages(result.stdout))[0]
        self.assertEqual(error["failure_type"], "config_error")
        self.assertIn("the state of stream 'payouts'.payout_date must be an ISO-8601 date-time, "
                      "got 'yesterday'", error["message"])


if __name__ == "__main__":
    unittest.main()
