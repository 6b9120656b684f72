"""Fleet scale through the binary: list pages read concurrently over a few kept-alive
connections, `--shard K/N` splitting the work of plan, apply and drift, and Ctrl-C against a
stalled server."""
import json
import os
import time
import unittest

from harness import SimCase


def agent(i, **fields):
    return {"agent_uuid": f"77777777-0000-4000-8000-{i:012d}", "name": f"Ship {i:03d}", "tone": "neutral",
            **fields}


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001b3) % (1 << 64)
    return h


def shard_of(name, n):
    return fnv1a64(name.strip(" \t\n\r\0\x0b")) % n + 1


class ConcurrentPages(SimCase):
    seed = {"agents": [agent(i) for i in range(1, 351)], "phone_numbers": []}

    def test_pages_are_read_at_once_over_kept_alive_connections_and_kept_in_order(self):
        for i in range(1, 351):
            self.write(f"agents/{i:03d}.yaml", f"name: Ship {i:03d}\ntone: neutral\n")
        self.sim.set_faults([{"method": "GET", "path_prefix": "/api/v1/agents", "action": "latency", "ms": 300}])
        started = time.monotonic()
        proc = self.run_reconcile("plan", "--connections", "4", check=0)
        elapsed = time.monotonic() - started
        self.assertIn("No changes", proc.stdout)
        gets = self.api_requests("GET")
        pages = sorted(int(g["target"].split("page=")[1].split("&")[0]) for g in gets)
        self.assertEqual(pages, [1, 2, 3, 4], "each page read exactly once")
        # Page 1 alone, then pages 2-4 together: two rounds of 300 ms, not four.
        first = next(g for g in gets if "page=1&" in g["target"] or g["target"].endswith("page=1"))
        later = [g for g in gets if g is not first]
        self.assertLess(max(g["at_ms"] for g in later) - min(g["at_ms"] for g in later), 250,
                        "pages 2-4 were not requested at once")
        self.assertGreaterEqual(len({g["connection"] for g in gets}), 3)
        self.assertLess(elapsed, 4 * 0.3 + 3.0)


class Shards(SimCase):
    seed = {"agents": [agent(i) for i in range(1, 31)] +
                      [{"agent_uuid": f"88888888-0000-4000-8000-{i:012d}", "name": f"Stray {i}"} for i in range(6)],
            "phone_numbers": []}

    def setUp(self):
        super().setUp()
        # 30 live agents (20 change, 10 already as written), 10 new ones, 6 unmanaged (pruned).
        for i in range(1, 41):
            tone = "warm" if i <= 20 or i > 30 else "neutral"
            self.write(f"agents/{i:03d}.yaml", f"name: Ship {i:03d}\ntone: {tone}\n")

    def plan_json(self, *args):
        proc = self.run_reconcile("plan", "--prune", "--allow-mass-delete", "--format", "json", *args, check=0)
        return json.loads(proc.stdout)

    def test_two_shards_cover_every_step_exactly_once(self):
        whole = self.plan_json()
        self.assertNotIn("shard", whole)
        key = lambda s: (s["action"], s["agent"]["name"])
        everything = sorted(map(key, whole["steps"]))
        self.assertEqual(len(everything), 20 + 10 + 6)
        together = []
        for k in (1, 2):
            part = self.plan_json("--shard", f"{k}/2")
            self.assertEqual(part["shard"], f"{k}/2")
            for s in part["steps"]:
                self.assertEqual(shard_of(s["agent"]["name"], 2), k, s["agent"]["name"])
            together += map(key, part["steps"])
        self.assertEqual(sorted(together), everything)

    def test_applying_both_shards_changes_every_agent_once(self):
        self.sim.clear_requests()
        for k in (1, 2):
            self.run_reconcile("apply", "--auto-approve", "--prune", "--allow-mass-delete", "--shard", f"{k}/2",
                               check=0)
        writes = [(r["method"], r["target"], (r["body"] or {}).get("name")) for r in self.api_requests()
                  if r["method"] != "GET"]
        self.assertEqual(len(writes), 36)
        self.assertEqual(len(set(writes)), 36, "a write was sent twice")
        live = {a["name"]: a for a in self.live_agents()}
        self.assertEqual(len(live), 40)
        self.assertTrue(all(not n.startswith("Stray") for n in live))
        self.assertTrue(all(live[f"Ship {i:03d}"]["tone"] == "warm" for i in list(range(1, 21)) + list(range(31, 41))))
        self.run_reconcile("plan", "--detailed-exitcode", check=0)

    def test_drift_of_each_shard_reports_its_own_agents(self):
        names = []
        for k in (1, 2):
            proc = self.run_reconcile("drift", "--format", "json", "--shard", f"{k}/2", check=2)
            report = json.loads(proc.stdout)
            found = [d["name"] for d in report["drifted"]] + [u["name"] for u in report["unmanaged"]]
            self.assertTrue(all(shard_of(n, 2) == k for n in found))
            names += found
        self.assertEqual(len(names), len(set(names)))
        self.assertEqual(len([n for n in names if n.startswith("Stray")]), 6)

    def test_a_saved_plan_records_its_shard_and_apply_keeps_it(self):
        path = os.path.join(self.tmp, "plan.json")
        self.run_reconcile("plan", "--shard", "2/3", "--out", path, check=0)
        with open(path) as f:
            self.assertEqual(json.load(f)["shard"], "2/3")
        proc = self.run_reconcile("apply", path, "--shard", "1/3", check=1)
        self.assertIn("does not match the saved plan", proc.stderr)
        proc = self.run_reconcile("apply", path, check=0)
        self.assertIn("Shard 2/3", proc.stdout)

    def test_malformed_shards_are_refused(self):
        for bad in ("0/2", "3/2", "1/0", "x/2", "1", "1/2/3", "-1/2"):
            proc = self.run_reconcile("plan", "--shard", bad, check=1)
            self.assertIn("--shard", proc.stderr)
        self.assertEqual(self.api_requests(), [])


class InterruptStalled(SimCase):
    seed = {"agents": [agent(i) for i in range(1, 21)], "phone_numbers": []}

    def test_ctrl_c_against_a_stalled_server_exits_130_within_5_s_and_names_the_skipped(self):
        for i in range(1, 21):
            self.write(f"agents/{i:03d}.yaml", f"name: Ship {i:03d}\ntone: warm\n")
        self.sim.set_faults([{"method": "PATCH", "path_prefix": "/api/v1/agents", "action": "stall", "ms": 60000}])
        code, out, err, took = self.interrupt_reconcile("--parallelism", "2", "apply", "--auto-approve",
                                                        when_method="PATCH", after=0.3)
        self.assertEqual(code, 130, out + err)
        self.assertLess(took, 5.0, f"exited {took:.1f} s after Ctrl-C")
        self.assertGreaterEqual(took, 1.5, "the requests in flight did not get their grace period")
        self.assertIn("skipped", out)
        self.assertIn("Interrupted", err)
        self.assertIn('update agent "Ship 020"', err)  # steps run in plan order: the last is skipped
        self.assertEqual(len(self.api_requests("PATCH")), 2, "a step or retry started after Ctrl-C")

    def test_ctrl_c_during_a_stalled_listing_exits_130_within_5_s(self):
        self.write("agents/001.yaml", "name: Ship 001\ntone: warm\n")
        self.sim.set_faults([{"method": "GET", "path_prefix": "/api/v1/agents", "action": "stall", "ms": 60000}])
        code, out, err, took = self.interrupt_reconcile("plan", when_method="GET")
        self.assertEqual(code, 130, out + err)
        self.assertLess(took, 5.0)
        self.assertIn("interrupted", err)
        self.assertEqual(len(self.api_requests("GET")), 1, "the listing was retried after Ctrl-C")


if __name__ == "__main__":
    unittest.main()
