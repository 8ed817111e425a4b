"""The Airbyte image description: Dockerfile and metadata.yaml agree with each other,
with Airbyte's conventions, and with the hosts the connector actually uses."""

import os
import re
import subprocess
import unittest

import yaml

ROOT = os.environ["REPO_ROOT"]


def dockerfile():
    with open(os.path.join(ROOT, "Dockerfile")) as f:
        return f.read()


def final_stage(text):
    return text.split("\nFROM ")[-1]


class PackagingTest(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(ROOT, "metadata.yaml")) as f:
            self.metadata = yaml.safe_load(f)["data"]
        self.stage = final_stage(dockerfile())

    def test_labels_match_metadata(self):
        labels = dict(re.findall(r"^LABEL (io\.airbyte\.\w+)=(\S+)$", self.stage, re.M))
        self.assertEqual(labels.get("io.airbyte.name"), self.metadata["dockerRepository"])
        self.assertEqual(labels.get("io.airbyte.version"), self.metadata["dockerImageTag"])

    def test_entrypoint_is_absolute_and_matches_airbyte_entrypoint(self):
        entrypoint = re.search(r'^ENTRYPOINT \["([^"]+)"\]$', self.stage, re.M).group(1)
        env = re.search(r'^ENV AIRBYTE_ENTRYPOINT="([^"]+)"$', self.stage, re.M).group(1)
        self.assertTrue(entrypoint.startswith("/"))
        self.assertEqual(env, entrypoint)
        self.assertIn("/build/source-klarna " + entrypoint, self.stage)

    def test_runs_as_airbyte_with_writable_workdir(self):
        self.assertRegex(self.stage, r"useradd [^\n]*airbyte")
        self.assertRegex(self.stage, r"chown airbyte:airbyte /airbyte")
        self.assertRegex(self.stage, r"\nUSER airbyte\n")
        # Both stages on the BASE argument, a Debian bookworm image by default.
        self.assertTrue(dockerfile().startswith("# "))
        self.assertIn("\nARG BASE=debian:bookworm-slim\n", dockerfile())
        self.assertEqual(re.findall(r"^FROM (\S+)", dockerfile(), re.M), ["${BASE}", "${BASE}"])

    def test_metadata_is_a_source_with_the_klarna_hosts(self):
        self.assertEqual(self.metadata["connectorType"], "source")
        hosts = set(self.metadata["allowedHosts"]["hosts"])
        for region in ("api", "api-na", "api-oc"):
            self.assertIn(f"{region}.klarna.com", hosts)
            self.assertIn(f"{region}.playground.klarna.com", hosts)
        # The same hosts the connector derives from region and playground.
        with open(os.path.join(ROOT, "config", "region_hosts.cpp")) as f:
            source = f.read()
        for fragment in ('"-na"', '"-oc"', '".playground.klarna.com"', '".klarna.com"'):
            self.assertIn(fragment, source)

    def test_runtime_stage_installs_every_library_the_binary_links(self):
        # Each shared library of the built binary, by the Debian package that ships it.
        linked = subprocess.run(["ldd", os.environ["SOURCE_KLARNA"]], capture_output=True,
                                text=True, check=True).stdout
        packages = set()
        for path in re.findall(r"=> (/\S+)", linked):
            for candidate in (path, os.path.realpath(path), "/usr" + path):
                owner = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
                if owner.returncode == 0:
                    packages.add(owner.stdout.split(":")[0])
                    break
        # Whatever the base image has, the stage need not install; what a package it
        # installs depends on, apt brings along.
        base = {"libc6", "libstdc++6", "libgcc-s1"}
        ours = {p for p in packages - base
                if p.startswith(("libcaf", "libcurl", "libboost", "libsqlite3", "libpq"))}
        self.assertTrue(ours, linked)
        installed = set(re.findall(r"\b(lib[\w.+-]+)", self.stage))
        brought = set(installed)
        for package in installed:
            depends = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", package],
                                     capture_output=True, text=True).stdout
            brought |= {d.split()[0].split(":")[0] for d in depends.split(",") if d.strip()}
        for package in ours:
            self.assertIn(package, brought, f"the runtime stage does not install {package}")


if __name__ == "__main__":
    unittest.main()
