"""The simulator itself over real HTTPS: parallel connections, rate-limit headers, the contract
it validates with. (The other modules test the client against it.)"""
import threading
import time
import unittest

from harness import SimCase

AGENT = "12121212-0000-4000-8000-000000000001"


class Concurrency(SimCase):
    seed = {"agents": [{"agent_uuid": AGENT, "name": "Parallel"}], "phone_numbers": []}

    def test_latency_is_served_in_parallel(self):
        clients, latency_ms = 8, 200
        self.sim.set_faults([{"method": "GET", "path_prefix": "/api/v1/agents", "action": "latency",
                              "ms": latency_ms}])
        durations, statuses = [], []
        lock = threading.Lock()

        def one():
            started = time.monotonic()
            status, _ = self.sim.api("GET", "agents")
            with lock:
                durations.append(time.monotonic() - started)
                statuses.append(status)

        threads = [threading.Thread(target=one) for _ in range(clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - started
        total = sum(durations)
        self.assertEqual(statuses, [200] * clients)
        self.assertGreaterEqual(total, clients * latency_ms / 1000 * 0.9)
        # One request at a time would take the whole sum; in parallel it is about one latency.
        print(f"{clients} parallel requests: wall {wall:.2f}s, summed {total:.2f}s")
        self.assertLess(wall, total / 2, f"wall {wall:.2f}s vs summed {total:.2f}s: requests were serialized")


class RateLimitHeaders(SimCase):
    seed = {"agents": [{"agent_uuid": AGENT, "name": "Paced"}], "phone_numbers": []}

    def test_paced_responses_carry_the_headers(self):
        self.sim.set_faults([{"method": "*", "path_prefix": "/api/v1/", "action": "rate_limit",
                              "per_second": 0.01, "burst": 2}])
        status, headers, _ = self.sim.api_with_headers("GET", "agents")
        self.assertEqual(status, 200)
        self.assertEqual(headers["X-RateLimit-Limit"], "2")
        self.assertEqual(headers["X-RateLimit-Remaining"], "1")
        self.sim.api_with_headers("GET", "agents")
        status, headers, body = self.sim.api_with_headers("GET", "agents")
        self.assertEqual(status, 429)
        self.assertEqual(headers["X-RateLimit-Remaining"], "0")
        self.assertIsNone(headers.get("Retry-After"), "the rule did not ask for Retry-After")
        self.assertEqual(body["error"]["code"], "RATE_LIMITED")

        self.sim.set_faults([{"method": "*", "path_prefix": "/api/v1/", "action": "rate_limit",
                              "per_second": 0.01, "burst": 1, "retry_after": True, "headers": False}])
        self.sim.api_with_headers("GET", "agents")
        status, headers, _ = self.sim.api_with_headers("GET", "agents")
        self.assertEqual(status, 429)
        self.assertIsNotNone(headers.get("Retry-After"))
        self.assertIsNone(headers.get("X-RateLimit-Limit"))


class Contract(SimCase):
    seed = {"agents": [{"agent_uuid": AGENT, "name": "Strict"}], "phone_numbers": []}

    def test_the_contract_is_served_and_enforced(self):
        contract = self.sim.contract()
        self.assertEqual(contract["agent"]["name"], "string required")
        status, body = self.sim.api("PATCH", f"agents/{AGENT}", {"tone": "warm"})
        self.assertEqual(status, 422)
        self.assertEqual(body["error"]["field"], "name")
        status, body = self.sim.api("PATCH", f"agents/{AGENT}", {"name": "Strict", "colour": "blue"})
        self.assertEqual((status, body["error"]["field"]), (422, "colour"))
        status, _ = self.sim.api("DELETE", f"agents/{AGENT}")
        self.assertEqual(status, 200)
        self.assertEqual(self.sim.api("DELETE", f"agents/{AGENT}")[0], 404)


if __name__ == "__main__":
    unittest.main()
