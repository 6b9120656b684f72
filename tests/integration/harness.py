"""Shared fixtures for the integration tests: the real `reconcile` binary against `mihu-sim`
over TLS, with a CA made at test time. Stdlib only."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import textwrap
import time
import unittest

import simulator

RECONCILE = os.environ.get("RECONCILE_BIN", "reconcile")
MIHU_SIM = os.environ.get("MIHU_SIM_BIN", "mihu-sim")
TOKEN = "itest-token-7f3a9c"

_ca_dir = None


def test_ca():
    """One CA per test process, made on first use."""
    global _ca_dir
    if _ca_dir is None:
        _ca_dir = tempfile.mkdtemp(prefix="reconcile-ca-")
        simulator.make_test_ca(_ca_dir)
    return _ca_dir


class SimCase(unittest.TestCase):
    """Each test gets a fresh simulator seeded from `seed` and an empty repository."""

    seed = {"agents": [], "phone_numbers": []}

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="reconcile-it-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.ca = test_ca()
        self.sim = simulator.Simulator(MIHU_SIM, self.seed_data(), os.path.join(self.tmp, "sim"),
                                       token=TOKEN, ca_dir=self.ca)
        self.sim.start()
        self.addCleanup(self.sim.stop)
        self.repo = os.path.join(self.tmp, "repo")
        os.makedirs(os.path.join(self.repo, "agents"))

    def seed_data(self):
        return json.loads(json.dumps(self.seed))

    # -- repository ---------------------------------------------------------------------
    def write(self, relpath, text):
        path = os.path.join(self.repo, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(text).lstrip("\n"))
        return path

    # -- the binary -----------------------------------------------------------------------
    def run_reconcile(self, *args, env=None, input=None, connect=True, check=None):
        e = {k: v for k, v in os.environ.items() if not k.startswith("MIHU_")}
        e["NO_COLOR"] = "1"
        if connect:
            e["MIHU_API_URL"] = self.sim.url
            e["MIHU_API_TOKEN"] = TOKEN
        if env:
            e.update(env)
        cmd = [RECONCILE, "--repo", self.repo]
        if connect:
            cmd += ["--ca-file", simulator.ca_file(self.ca)]
        cmd += list(args)
        proc = subprocess.run(cmd, env=e, input=input, capture_output=True, text=True, timeout=120,
                              stdin=None if input is not None else subprocess.DEVNULL)
        if check is not None and proc.returncode != check:
            self.fail(f"reconcile {' '.join(args)} exited {proc.returncode}, expected {check}\n"
                      f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
        return proc

    def interrupt_reconcile(self, *args, when_method=None, after=0.0):
        """Starts reconcile with `args`, sends SIGINT once a `when_method` request has reached
        the simulator (or at once) and `after` more seconds have passed. Returns the return
        code, stdout, stderr and the seconds from SIGINT to exit."""
        e = {k: v for k, v in os.environ.items() if not k.startswith("MIHU_")}
        e.update({"MIHU_API_URL": self.sim.url, "MIHU_API_TOKEN": TOKEN, "NO_COLOR": "1"})
        proc = subprocess.Popen([RECONCILE, "--repo", self.repo, "--ca-file", simulator.ca_file(self.ca), *args],
                                env=e, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            if when_method:
                deadline = time.monotonic() + 30
                while not self.api_requests(when_method) and time.monotonic() < deadline:
                    time.sleep(0.05)
                self.assertTrue(self.api_requests(when_method), f"no {when_method} reached the simulator")
            time.sleep(after)
            interrupted = time.monotonic()
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
            return proc.returncode, out, err, time.monotonic() - interrupted
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()

    # -- simulator views ------------------------------------------------------------------
    def live_agents(self):
        return self.sim.state()["agents"]

    def live_agent(self, name):
        found = [a for a in self.live_agents() if a["name"] == name]
        self.assertEqual(len(found), 1, f"expected one live agent named {name!r}, found {len(found)}")
        return found[0]

    def api_requests(self, method=None):
        reqs = self.sim.requests()
        return [r for r in reqs if method is None or r["method"] == method]
