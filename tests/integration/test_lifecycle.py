"""The agent's whole life against the simulator: provisioning outcomes, numbers that cannot take
calls, number moves, renames, what every PATCH carries, prune, and fields the dashboard owns."""
import json
import os
import unittest

from harness import SimCase

A1 = "99999999-0000-4000-8000-000000000001"
A2 = "99999999-0000-4000-8000-000000000002"
N1 = "99999999-1111-4000-8000-000000000001"
N2 = "99999999-1111-4000-8000-000000000002"
N3 = "99999999-1111-4000-8000-000000000003"


class Provisioning(SimCase):
    seed = {"agents": [{"agent_uuid": A1, "name": "Front Desk"}],
            "phone_numbers": [
                {"phone_number_uuid": N1, "number": "+390700000001",
                 "provisioning": {"success": False, "message": "carrier rejected the number"}},
                {"phone_number_uuid": N2, "number": "+390700000002", "capabilities": {"voice": False}},
                {"phone_number_uuid": N3, "number": "+390700000003", "status": "suspended"}]}

    def test_provisioning_that_answers_success_false_fails_the_apply(self):
        self.write("agents/front.yaml", "name: Front Desk\nchannels: {call: {phone_number: \"+390700000001\"}}\n")
        proc = self.run_reconcile("apply", "--auto-approve", check=1)
        self.assertIn("FAILED", proc.stdout)
        self.assertIn("carrier rejected the number", proc.stdout)
        self.assertIn("1 failed", proc.stdout)
        # Nothing was bound, and the next plan still wants to provision.
        again = self.run_reconcile("plan", "--detailed-exitcode", check=2)
        self.assertIn("provision call channel +390700000001", again.stdout)

    def test_numbers_that_cannot_take_calls_are_plan_errors(self):
        self.write("agents/a.yaml", "name: Voiceless\nchannels:\n  call: {phone_number: \"+390700000002\"}\n")
        self.write("agents/b.yaml", "name: Suspended\nchannels:\n  call: {phone_number: \"+390700000003\"}\n")
        proc = self.run_reconcile("plan", check=1)
        self.assertIn("agents/a.yaml:3:3: error: agent \"Voiceless\": phone number +390700000002 cannot take calls: "
                      "it has no voice capability", proc.stderr)
        self.assertIn("agents/b.yaml:3:3: error: agent \"Suspended\": phone number +390700000003 cannot take calls: "
                      "its status is \"suspended\"", proc.stderr)
        self.assertEqual(self.api_requests("POST"), [])


class NumberMovesAndRenames(SimCase):
    seed = {"agents": [{"agent_uuid": A1, "name": "Reception"}],
            "phone_numbers": [
                {"phone_number_uuid": N1, "number": "+390700000001", "bindings": {"call": {"agent_uuid": A1}}},
                {"phone_number_uuid": N2, "number": "+390700000002"}]}

    def test_a_number_move_is_explained_in_plan_and_reported_by_drift(self):
        self.write("agents/r.yaml", "name: Reception\nchannels: {call: {phone_number: \"+390700000002\"}}\n")
        plan = self.run_reconcile("plan", check=0)
        self.assertIn("moves the agent from +390700000001 to +390700000002", plan.stdout)
        self.assertIn("no documented way to release a number", plan.stdout)
        self.run_reconcile("apply", "--auto-approve", check=0)
        drift = self.run_reconcile("drift", check=2)
        self.assertIn("also holds the call channel of +390700000001", drift.stdout)
        doc = json.loads(self.run_reconcile("drift", "--format", "json", check=2).stdout)
        self.assertEqual([c["kind"] for c in doc["channels"]], ["not_in_git"])

    def test_a_rename_without_a_pin_gets_a_note(self):
        self.write("agents/r.yaml", "name: Front Desk\nchannels: {call: {phone_number: \"+390700000001\"}}\n")
        # The number is still held by the old agent: an error that says what to do.
        plan = self.run_reconcile("plan", check=1)
        self.assertIn(f"is held by agent \"Reception\" ({A1}); release it there first, or choose another number; "
                      f"if this document renames that agent, pin `uuid: {A1}` in it", plan.stderr)
        # Without the number, the create itself carries the note.
        self.write("agents/r.yaml", "name: Reception Desk\n")
        plan = self.run_reconcile("plan", check=0)
        self.assertIn(f"if this is a rename of agent \"Reception\" ({A1}), pin `uuid: {A1}`", plan.stdout)
        # Pinned, it is a rename: one PATCH, no create.
        self.write("agents/r.yaml", f"uuid: {A1}\nname: Front Desk\nchannels: {{call: {{phone_number: \"+390700000001\"}}}}\n")
        self.run_reconcile("apply", "--auto-approve", check=0)
        self.assertEqual([(r["method"], r["body"]) for r in self.api_requests() if r["method"] != "GET"],
                         [("PATCH", {"name": "Front Desk"})])


class RequestBodies(SimCase):
    seed = {"agents": [{"agent_uuid": A1, "name": "Clinic", "tone": "calm",
                        "appointments": {"enabled": True, "random_assignment": False, "schedule_assignments": [
                            {"schedule_uuid": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "name": "Visits"}]}}],
            "phone_numbers": []}

    def test_every_patch_carries_name_and_appointments_whole(self):
        self.write("agents/c.yaml", "name: Clinic\ntone: warm\nappointments:\n  enabled: false\n")
        self.run_reconcile("apply", "--auto-approve", check=0)
        (patch,) = self.api_requests("PATCH")
        self.assertEqual(patch["body"]["name"], "Clinic")
        appointments = patch["body"]["appointments"]
        self.assertFalse(appointments["enabled"])
        self.assertEqual([a["name"] for a in appointments["schedule_assignments"]], ["Visits"])
        # The simulator replaces the section, and the assignment survived.
        self.assertEqual(len(self.live_agent("Clinic")["appointments"]["schedule_assignments"]), 1)
        self.run_reconcile("plan", "--detailed-exitcode", check=0)


class DashboardOwnedFields(SimCase):
    seed = {"agents": [{"agent_uuid": A1, "name": "Sales", "status": "ready", "tone": "warm",
                        "routing_rules": [{"detection_mode": "exact", "trigger_keyword": "sales",
                                           "is_active": True, "priority": 1}]}],
            "phone_numbers": []}

    def setUp(self):
        super().setUp()
        self.write("agents/s.yaml", """\
            name: Sales
            status: ready
            tone: warm
            ignore: [status, "routing_rules[*].is_active"]
            routing_rules:
              - {detection_mode: exact, trigger_keyword: sales, priority: 1}
            """)

    def test_a_field_paused_in_the_dashboard_is_left_alone(self):
        self.run_reconcile("plan", "--detailed-exitcode", check=0)
        # Someone pauses the agent and a rule in the dashboard.
        agent = self.live_agent("Sales")
        rules = agent["routing_rules"]
        rules[0]["is_active"] = False
        for r in rules:
            r.pop("uuid", None)
        self.sim.api("PATCH", f"/api/v1/agents/{A1}", {"name": "Sales", "status": "paused", "routing_rules": rules})
        self.run_reconcile("plan", "--detailed-exitcode", check=0)
        self.run_reconcile("drift", check=0)
        # A real change sends the rule list whole, with the dashboard's is_active kept.
        self.write("agents/s.yaml", """\
            name: Sales
            tone: warm
            ignore: [status, "routing_rules[*].is_active"]
            routing_rules:
              - {detection_mode: exact, trigger_keyword: sales, priority: 2}
            """)
        self.sim.clear_requests()
        self.run_reconcile("apply", "--auto-approve", check=0)
        (patch,) = self.api_requests("PATCH")
        self.assertEqual(patch["body"]["routing_rules"][0]["is_active"], False)
        self.assertNotIn("status", patch["body"])
        self.assertEqual(self.live_agent("Sales")["status"], "paused")


class Prune(SimCase):
    seed = {"agents": [{"agent_uuid": f"99999999-2222-4000-8000-{i:012d}", "name": f"Agent {i}"} for i in range(10)],
            "phone_numbers": []}

    def keep(self, *indexes):
        for i in indexes:
            self.write(f"agents/a{i}.yaml", f"name: Agent {i}\n")

    def test_prune_deletes_unmanaged_agents_except_ignored_ones(self):
        self.keep(*range(7))
        self.write("reconcile.yaml", "prune:\n  ignore: [\"Agent 9\"]\n")
        plan = self.run_reconcile("plan", "--prune", check=0)
        self.assertIn("2 to delete", plan.stdout)
        self.assertIn("- delete agent \"Agent 7\"", plan.stdout)
        self.assertNotIn("Agent 9\"", plan.stdout)
        # Without --prune nothing is deleted, and drift does not count the ignored agent.
        self.assertNotIn("delete", self.run_reconcile("plan", check=0).stdout)
        self.run_reconcile("apply", "--auto-approve", "--prune", check=0)
        self.assertEqual(sorted(a["name"] for a in self.live_agents()), [f"Agent {i}" for i in range(7)] + ["Agent 9"])
        self.assertEqual(len(self.api_requests("DELETE")), 2)
        self.run_reconcile("drift", check=0)

    def test_mass_delete_is_refused_unless_allowed(self):
        self.keep(0)
        proc = self.run_reconcile("apply", "--auto-approve", "--prune", check=1)
        self.assertIn("prune would delete 9 of the workspace's 10 agents", proc.stderr)
        self.assertEqual(self.api_requests("DELETE"), [])
        self.assertEqual(len(self.live_agents()), 10)
        plan_file = os.path.join(self.tmp, "plan.json")
        self.run_reconcile("plan", "--prune", "--allow-mass-delete", "--out", plan_file, check=0)
        self.run_reconcile("apply", plan_file, check=0)
        self.assertEqual([a["name"] for a in self.live_agents()], ["Agent 0"])

    def test_a_saved_plans_deletes_are_precondition_checked(self):
        self.keep(*range(8))
        plan_file = os.path.join(self.tmp, "plan.json")
        self.run_reconcile("plan", "--prune", "--out", plan_file, check=0)
        self.sim.api("PATCH", "/api/v1/agents/99999999-2222-4000-8000-000000000008",
                     {"name": "Agent 8", "tone": "changed since the plan"})
        proc = self.run_reconcile("apply", plan_file, check=1)
        self.assertIn("plan is stale: agent \"Agent 8\" changed since the plan was made", proc.stderr)
        self.assertEqual(self.api_requests("DELETE"), [])


if __name__ == "__main__":
    unittest.main()
