"""The container image as Airbyte's platform runs it (needs `scripts/image.sh build`
first, which also prints its size; .ci/run builds it): its labels and entrypoint
against metadata.yaml, the user it runs as, a read through mounted files equal to
klarna-sandbox's truth."""

import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "acceptance"))

from harness import PASSWORD, USERNAME, Sandbox  # noqa: E402
from connector_target import IMAGE_SCRIPT, REPO_ROOT, ConnectorTarget  # noqa: E402

def metadata_field(name):
    with open(os.path.join(REPO_ROOT, "metadata.yaml")) as f:
        for line in f:
            key, _, value = line.strip().partition(": ")
            if key == name:
                return value.strip()
    raise KeyError(name)


class ImageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.image = subprocess.run([IMAGE_SCRIPT, "name"], capture_output=True, text=True,
                                   check=True).stdout.strip()
        inspected = subprocess.run(["podman", "image", "inspect", cls.image], capture_output=True,
                                   text=True, check=True).stdout
        cls.inspect = json.loads(inspected)[0]

    def test_name_and_version_labels_equal_metadata(self):
        labels = self.inspect["Config"]["Labels"]
        self.assertEqual(labels["io.airbyte.name"], metadata_field("dockerRepository"))
        self.assertEqual(labels["io.airbyte.version"], metadata_field("dockerImageTag"))
        self.assertEqual(self.image, f"{metadata_field('dockerRepository')}:{metadata_field('dockerImageTag')}")

    def test_airbyte_entrypoint_equals_the_entrypoint(self):
        config = self.inspect["Config"]
        env = dict(item.split("=", 1) for item in config["Env"])
        self.assertEqual(env["AIRBYTE_ENTRYPOINT"], " ".join(config["Entrypoint"]))

    def test_the_connector_runs_as_a_user_other_than_root(self):
        self.assertEqual(self.inspect["Config"]["User"], "airbyte")
        ids = subprocess.run([IMAGE_SCRIPT, "run", "--entrypoint", "/usr/bin/id", "--", "-u"],
                             capture_output=True, text=True, check=True).stdout.strip()
        self.assertNotEqual(ids, "0")

    def test_a_read_through_mounted_files_equals_the_truth(self):
        with Sandbox("--payouts", "10", "--transactions-per-payout", "60",
                     "--unpaid-transactions", "20") as sandbox:
            config = {"region": "eu", "username": USERNAME, "password": PASSWORD,
                      "base_url": sandbox.url}
            catalog = {"streams": [{"stream": {"name": s, "json_schema": {},
                                               "supported_sync_modes": ["full_refresh"]},
                                    "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}
                                   for s in ("payouts", "transactions")]}
            result = ConnectorTarget("image").run("read", config=config, catalog=catalog)
            self.assertEqual(result.returncode, 0, result.stderr[-2000:])
            self.assertNotIn(PASSWORD, result.stdout + result.stderr)
            messages = [json.loads(line) for line in result.stdout.splitlines()]
            for stream in ("payouts", "transactions"):
                records = [m["record"]["data"] for m in messages
                           if m["type"] == "RECORD" and m["record"]["stream"] == stream]
                self.assertEqual(records, sandbox.truth(stream), stream)


if __name__ == "__main__":
    unittest.main()
