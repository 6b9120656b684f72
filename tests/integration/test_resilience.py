"""An apply that survives the real world: fault injection in the simulator, assertions from its
state and request log."""
import time
import unittest

from harness import SimCase


def agent(i, **fields):
    return {"agent_uuid": f"55555555-0000-4000-8000-{i:012d}", "name": f"Fleet {i:02d}", "tone": "neutral",
            **fields}


class Retries(SimCase):
    seed = {"agents": [agent(1)], "phone_numbers": []}

    def setUp(self):
        super().setUp()
        self.write("agents/a.yaml", "name: Fleet 01\ntone: warm\n")

    def test_503_on_patch_is_retried(self):
        self.sim.set_faults([{"method": "PATCH", "path_prefix": "/api/v1/agents", "times": 2,
                              "action": "status", "status": 503}])
        self.run_reconcile("apply", "--auto-approve", check=0)
        patches = self.api_requests("PATCH")
        self.assertEqual([p["status"] for p in patches], [503, 503, 200])
        self.assertEqual(self.live_agent("Fleet 01")["tone"], "warm")

    def test_429_retry_after_is_honoured(self):
        self.sim.set_faults([{"method": "GET", "path_prefix": "/api/v1/agents", "times": 1,
                              "action": "status", "status": 429, "retry_after": "2"}])
        self.run_reconcile("plan", check=0)
        gets = self.api_requests("GET")
        self.assertEqual([g["status"] for g in gets], [429, 200])
        waited = gets[1]["at_ms"] - gets[0]["at_ms"]
        self.assertGreaterEqual(waited, 1900, "the Retry-After wait was not observed")

    def test_malformed_and_wrong_content_type_get_is_retried(self):
        self.sim.set_faults([{"method": "GET", "path_prefix": "/api/v1/agents", "times": 1,
                              "action": "malformed_json"},
                             {"method": "GET", "path_prefix": "/api/v1/agents", "times": 1,
                              "action": "wrong_content_type"}])
        proc = self.run_reconcile("plan", check=0)
        self.assertIn("1 to update", proc.stdout)
        self.assertEqual(len(self.api_requests("GET")), 3)

    def test_a_page_the_streaming_reader_refuses_is_asked_again_and_read_whole(self):
        # A 200 answer whose item has no agent_uuid: the page reader refuses it as it arrives,
        # the page is asked for again and read the general way (which would word the error).
        self.sim.set_faults([{"method": "GET", "path_prefix": "/api/v1/agents", "times": 1,
                              "action": "status", "status": 200,
                              "body": {"success": True, "data": {"items": [{"name": "no uuid"}],
                                                                 "pagination": {"current_page": 1,
                                                                                "last_page": 1}}}}])
        proc = self.run_reconcile("plan", check=0)
        self.assertIn("1 to update", proc.stdout)
        self.assertEqual([g["status"] for g in self.api_requests("GET")], [200, 200])

    def test_client_errors_are_not_retried(self):
        self.sim.set_faults([{"method": "PATCH", "path_prefix": "/api/v1/agents", "action": "status",
                              "status": 422, "body": {"success": False, "message": "Tone is too warm.",
                                                      "error": {"code": "VALIDATION_ERROR", "field": "tone"}}}])
        proc = self.run_reconcile("apply", "--auto-approve", check=1)
        self.assertEqual(len(self.api_requests("PATCH")), 1)
        self.assertIn("VALIDATION_ERROR", proc.stdout + proc.stderr)
        self.assertIn("tone", proc.stdout + proc.stderr)
        self.assertIn("Tone is too warm.", proc.stdout + proc.stderr)

    def test_a_stalled_server_never_hangs_the_tool(self):
        self.sim.set_faults([{"method": "GET", "path_prefix": "/api/v1/agents", "action": "stall", "ms": 30000}])
        started = time.monotonic()
        proc = self.run_reconcile("plan", "--timeout", "1", "--max-attempts", "2", check=1)
        self.assertLess(time.monotonic() - started, 20)
        self.assertIn("GET /api/v1/agents", proc.stderr)
        self.assertIn("timed out", proc.stderr.lower())


class LostResponses(SimCase):
    seed = {"agents": [], "phone_numbers": [{"phone_number_uuid": "66666666-6666-4666-8666-666666666666",
                                             "number": "+390701112233"}]}

    def test_lost_create_response_never_duplicates(self):
        self.write("agents/a.yaml", "name: Only Once\ntone: calm\n")
        self.sim.set_faults([{"method": "POST", "path_prefix": "/api/v1/agents", "times": 1,
                              "action": "drop_after_commit"}])
        self.run_reconcile("apply", "--auto-approve", check=0)
        self.assertEqual(len([a for a in self.live_agents() if a["name"] == "Only Once"]), 1)
        self.run_reconcile("plan", "--detailed-exitcode", check=0)

    def test_lost_provision_response_rereads_the_binding(self):
        self.write("agents/a.yaml", 'name: Caller\nchannels:\n  call:\n    phone_number: "+390701112233"\n')
        # The create (POST /api/v1/agents) is let through; the provisioning's answer is lost.
        self.sim.set_faults([{"method": "POST", "path_prefix": "/api/v1/agents/", "times": 1,
                              "action": "drop_after_commit"}])
        self.run_reconcile("apply", "--auto-approve", check=0)
        provisions = [r for r in self.api_requests("POST") if r["target"].endswith("/channels/call/provision")]
        self.assertEqual(len(provisions), 1, "a provisioning whose binding holds must not be sent again")
        number = self.sim.state()["phone_numbers"][0]
        self.assertEqual(number["bindings"]["call"]["agent_uuid"], self.live_agent("Caller")["agent_uuid"])


class PartialFailure(SimCase):
    seed = {"agents": [agent(i) for i in range(1, 6)], "phone_numbers": []}

    def test_one_failing_agent_does_not_stop_the_others_and_rerun_converges(self):
        for i in range(1, 6):
            self.write(f"agents/{i}.yaml", f"name: Fleet {i:02d}\ntone: warm\n")
        bad = agent(3)["agent_uuid"]
        self.sim.set_faults([{"method": "PATCH", "path_prefix": f"/api/v1/agents/{bad}", "action": "status",
                              "status": 500}])
        proc = self.run_reconcile("apply", "--auto-approve", "--max-attempts", "2", check=1)
        out = proc.stdout + proc.stderr
        self.assertIn("4 applied, 1 failed", out)
        self.assertIn("Fleet 03", out)
        tones = {a["name"]: a["tone"] for a in self.live_agents()}
        self.assertEqual(tones, {"Fleet 01": "warm", "Fleet 02": "warm", "Fleet 03": "neutral",
                                 "Fleet 04": "warm", "Fleet 05": "warm"})
        self.sim.clear_faults()
        self.sim.clear_requests()
        self.run_reconcile("apply", "--auto-approve", check=0)
        self.assertEqual([p["target"] for p in self.api_requests("PATCH")], [f"/api/v1/agents/{bad}"])
        self.run_reconcile("plan", "--detailed-exitcode", check=0)


class RateLimit(SimCase):
    seed = {"agents": [agent(i) for i in range(1, 41)], "phone_numbers": []}

    def test_shared_budget_meets_a_rate_limit_without_a_storm(self):
        for i in range(1, 41):
            self.write(f"agents/{i}.yaml", f"name: Fleet {i:02d}\ntone: warm\n")
        self.sim.set_faults([{"method": "*", "path_prefix": "/api/v1/", "action": "rate_limit",
                              "per_second": 10, "retry_after": False}])
        self.run_reconcile("apply", "--auto-approve", "--parallelism", "4", "--max-attempts", "10", check=0)
        statuses = [r["status"] for r in self.api_requests()]
        limited = statuses.count(429)
        self.assertEqual(statuses.count(200), 41)  # one list page + 40 patches
        self.assertLess(limited, 25, f"{limited} requests were rate limited: a storm")
        self.assertTrue(all(a["tone"] == "warm" for a in self.live_agents()))


class Interrupt(SimCase):
    seed = {"agents": [agent(i) for i in range(1, 11)], "phone_numbers": []}

    def test_ctrl_c_finishes_in_flight_steps_and_reports(self):
        for i in range(1, 11):
            self.write(f"agents/{i}.yaml", f"name: Fleet {i:02d}\ntone: warm\n")
        self.sim.set_faults([{"method": "PATCH", "path_prefix": "/api/v1/agents", "action": "latency", "ms": 700}])
        code, out, err, _ = self.interrupt_reconcile("apply", "--auto-approve", "--parallelism", "1", after=2.0)
        self.assertEqual(code, 130, out + err)
        self.assertIn("skipped", out)
        patched = len([r for r in self.api_requests("PATCH") if r["status"] == 200])
        self.assertGreater(patched, 0)
        self.assertLess(patched, 10)
        warm = len([a for a in self.live_agents() if a["tone"] == "warm"])
        self.assertEqual(warm, patched, "every step that was started finished")


if __name__ == "__main__":
    unittest.main()
