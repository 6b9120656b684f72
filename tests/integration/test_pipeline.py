"""The core pipeline end to end: YAML -> live agents over TLS -> minimal plan -> apply."""
import unittest

from harness import SimCase

PHONE_FREE = "11111111-1111-4111-8111-111111111111"
PHONE_TAKEN = "22222222-2222-4222-8222-222222222222"
OTHER_AGENT = "99999999-9999-4999-8999-999999999999"

VOICE_AGENT = """
    name: Volvo Cagliari Service Agent
    language: en
    objective: |
      Book a service appointment for the customer's vehicle.
      Capture: VIN or license plate, preferred date, type of service.
    settings:
      voice:
        interaction:
          customer_speak_first: false
          max_silence_prompts: 3
    guidelines:
      - content: Always confirm vehicle VIN or license plate.
        order: 0
    channels:
      call:
        phone_number: "+390701234567"
"""

TEXT_AGENT = """
    name: Support WhatsApp
    language: it
    settings:
      text:
        timing_and_delay:
          base_delay: 0.5
          pause_before_reply: 1
"""


class CreateApplyReplan(SimCase):
    seed = {"agents": [{"agent_uuid": OTHER_AGENT, "name": "Someone Else"}],
            "phone_numbers": [
                {"phone_number_uuid": PHONE_FREE, "number": "+390701234567"},
                {"phone_number_uuid": PHONE_TAKEN, "number": "+390709999999",
                 "bindings": {"call": {"agent_uuid": OTHER_AGENT}}}]}

    def test_create_then_apply_then_plan_is_empty(self):
        self.write("agents/volvo.yaml", VOICE_AGENT)
        self.write("agents/text/support.yml", TEXT_AGENT)

        plan = self.run_reconcile("plan", "--detailed-exitcode", check=2)
        self.assertIn('+ create agent "Volvo Cagliari Service Agent"', plan.stdout)
        self.assertIn('+ create agent "Support WhatsApp"', plan.stdout)
        self.assertIn("Plan: 2 to create, 0 to update, 1 call channel to provision.", plan.stdout)
        self.assertEqual({r["method"] for r in self.api_requests()}, {"GET"}, "plan must only GET")

        self.run_reconcile("apply", "--auto-approve", check=0)
        volvo = self.live_agent("Volvo Cagliari Service Agent")
        self.assertEqual(volvo["settings"]["voice"]["interaction"]["max_silence_prompts"], 3)
        # The API stores the block scalar without its final newline.
        self.assertTrue(volvo["objective"].endswith("type of service."))
        number = [n for n in self.sim.state()["phone_numbers"] if n["phone_number_uuid"] == PHONE_FREE][0]
        self.assertEqual(number["bindings"]["call"]["agent_uuid"], volvo["agent_uuid"])
        posts = [r for r in self.api_requests("POST")]
        targets = [r["target"] for r in posts]
        provision = f"/api/v1/agents/{volvo['agent_uuid']}/channels/call/provision"
        self.assertEqual(sorted(targets), sorted(["/api/v1/agents", "/api/v1/agents", provision]))
        creates = [r for r in posts if r["target"] == "/api/v1/agents"]
        volvo_create = [i for i, r in enumerate(posts) if r["target"] == "/api/v1/agents"
                        and r["body"]["name"] == "Volvo Cagliari Service Agent"][0]
        # Agents apply in parallel, but an agent's provisioning always follows its create.
        self.assertLess(volvo_create, targets.index(provision))
        # The create sends the document without the reconciler's own keys.
        self.assertTrue(all("channels" not in r["body"] for r in creates))
        self.assertEqual(posts[targets.index(provision)]["body"], {"phone_number_uuid": PHONE_FREE})

        self.sim.clear_requests()
        again = self.run_reconcile("plan", "--detailed-exitcode", check=0)
        self.assertIn("No changes.", again.stdout)
        # Provisioning is never repeated for a binding that holds.
        self.assertEqual(self.api_requests("POST"), [])

    def test_number_bound_to_another_agent_is_a_plan_error(self):
        self.write("agents/volvo.yaml", VOICE_AGENT.replace("+390701234567", "+390709999999"))
        proc = self.run_reconcile("plan", check=1)
        self.assertIn("agents/volvo.yaml:", proc.stderr)
        self.assertIn("Someone Else", proc.stderr)
        self.assertEqual(self.api_requests("POST"), [])

    def test_number_not_in_workspace_is_a_plan_error(self):
        self.write("agents/volvo.yaml", VOICE_AGENT.replace("+390701234567", "+390700000001"))
        proc = self.run_reconcile("apply", "--auto-approve", check=1)
        self.assertIn("agents/volvo.yaml:", proc.stderr)
        self.assertIn("+390700000001", proc.stderr)
        self.assertEqual([r for r in self.api_requests() if r["method"] != "GET"], [])


LIVE_VOLVO = "33333333-3333-4333-8333-333333333333"


class UnchangedAndMinimalPatch(SimCase):
    # The live agent as the API would hold it after an earlier apply: trimmed strings, and the
    # simulator fills every default and returns numbers as floats.
    seed = {"agents": [{
        "agent_uuid": LIVE_VOLVO,
        "name": "Volvo Cagliari Service Agent",
        "language": "en",
        "objective": "Book a service appointment for the customer's vehicle.\n"
                     "Capture: VIN or license plate, preferred date, type of service.",
        "settings": {"voice": {"interaction": {"customer_speak_first": False, "max_silence_prompts": 3}}},
        "guidelines": [{"content": "Always confirm vehicle VIN or license plate.", "order": 0}],
    }], "phone_numbers": [{"phone_number_uuid": PHONE_FREE, "number": "+390701234567",
                           "bindings": {"call": {"agent_uuid": LIVE_VOLVO}}}]}

    def test_unchanged_agent_with_server_defaults_plans_empty(self):
        self.write("agents/volvo.yaml", VOICE_AGENT)
        proc = self.run_reconcile("plan", "--detailed-exitcode", check=0)
        self.assertIn("No changes.", proc.stdout)

    def test_patch_body_is_minimal(self):
        self.write("agents/volvo.yaml", VOICE_AGENT.replace("max_silence_prompts: 3", "max_silence_prompts: 5"))
        plan = self.run_reconcile("plan", "--detailed-exitcode", check=2)
        self.assertIn("settings.voice.interaction.max_silence_prompts: 3 -> 5", plan.stdout)
        self.assertIn("Plan: 0 to create, 1 to update, 0 call channels to provision.", plan.stdout)
        self.run_reconcile("apply", "--auto-approve", check=0)
        patches = self.api_requests("PATCH")
        self.assertEqual(len(patches), 1)
        self.assertEqual(patches[0]["target"], f"/api/v1/agents/{LIVE_VOLVO}")
        self.assertEqual(patches[0]["body"], {"name": "Volvo Cagliari Service Agent",
                                              "settings": {"voice": {"interaction": {"max_silence_prompts": 5}}}})
        self.run_reconcile("plan", "--detailed-exitcode", check=0)

    def test_changed_collection_is_sent_whole_with_a_note(self):
        self.write("agents/volvo.yaml", VOICE_AGENT.replace(
            "        order: 0\n", "        order: 0\n      - content: Never quote warranty prices.\n        order: 1\n"))
        plan = self.run_reconcile("plan", check=0)
        self.assertIn("guidelines", plan.stdout)
        self.assertIn("replaces", plan.stdout)  # the note about the API replacing collections
        self.run_reconcile("apply", "--auto-approve", check=0)
        patches = self.api_requests("PATCH")
        self.assertEqual(patches[0]["body"], {"name": "Volvo Cagliari Service Agent", "guidelines": [
            {"content": "Always confirm vehicle VIN or license plate.", "order": 0},
            {"content": "Never quote warranty prices.", "order": 1}]})
        self.run_reconcile("plan", "--detailed-exitcode", check=0)

    def test_prompt_change_is_a_line_diff(self):
        self.write("agents/volvo.yaml", VOICE_AGENT.replace("preferred date", "preferred day"))
        plan = self.run_reconcile("plan", check=0)
        # the changed word marked inside the changed lines (no colour here: git's plain word diff)
        self.assertIn("\n        - Capture: VIN or license plate, preferred [-date-], type of service.\n", plan.stdout)
        self.assertIn("\n        + Capture: VIN or license plate, preferred {+day+}, type of service.\n", plan.stdout)
        # the unchanged line is context
        self.assertIn("\n          Book a service appointment for the customer's vehicle.\n", plan.stdout)

    def test_explicit_null_clears(self):
        text = VOICE_AGENT.replace("language: en", "language: null")
        self.write("agents/volvo.yaml", text)
        self.run_reconcile("apply", "--auto-approve", check=0)
        self.assertEqual(self.api_requests("PATCH")[0]["body"], {"name": "Volvo Cagliari Service Agent", "language": None})
        self.assertIsNone(self.live_agent("Volvo Cagliari Service Agent")["language"])


class Yaml11Scalars(SimCase):
    def test_schema_types_scalars_not_yaml_1_1(self):
        self.write("agents/norway.yaml", """
            name: Norway Desk
            language: no
            routing_rules:
              - detection_mode: exact
                trigger_keyword: on
                destination: 0101
                destination_type: extension
                phrases: [yes, off]
            guard_rules:
              - when_condition: Customer mentions a lawyer
                then_action: forward
                is_active: yes
        """)
        self.run_reconcile("apply", "--auto-approve", check=0)
        agent = self.live_agent("Norway Desk")
        self.assertEqual(agent["language"], "no")
        rule = agent["routing_rules"][0]
        self.assertEqual(rule["trigger_keyword"], "on")
        self.assertEqual(rule["destination"], "0101")
        self.assertEqual(rule["phrases"], ["yes", "off"])
        self.assertIs(agent["guard_rules"][0]["is_active"], True)
        self.run_reconcile("plan", "--detailed-exitcode", check=0)


class LargeWorkspace(SimCase):
    def seed_data(self):
        agents = [{"agent_uuid": f"00000000-0000-4000-8000-{i:012d}", "name": f"Agent {i:03d}",
                   "tone": "neutral"} for i in range(250)]
        return {"agents": agents, "phone_numbers": []}

    def test_agent_on_page_three_of_250(self):
        self.write("agents/a.yaml", """
            name: Agent 230
            tone: warm
        """)
        proc = self.run_reconcile("plan", "--detailed-exitcode", check=2)
        self.assertIn('~ update agent "Agent 230"', proc.stdout)
        gets = self.api_requests("GET")
        # Three list pages of 100, no per-agent GET.
        self.assertEqual(len(gets), 3, [g["target"] for g in gets])
        self.assertTrue(all("per_page=100" in g["target"] for g in gets))
        self.run_reconcile("apply", "--auto-approve", check=0)
        patches = self.api_requests("PATCH")
        self.assertEqual([p["target"] for p in patches], ["/api/v1/agents/00000000-0000-4000-8000-000000000230"])
        self.assertEqual(patches[0]["body"], {"name": "Agent 230", "tone": "warm"})


class Matching(SimCase):
    seed = {"agents": [
        {"agent_uuid": "44444444-4444-4444-8444-444444444441", "name": "Twin", "tone": "a"},
        {"agent_uuid": "44444444-4444-4444-8444-444444444442", "name": "Twin", "tone": "b"}],
        "phone_numbers": []}

    def test_two_live_agents_with_the_name_ask_to_pin(self):
        self.write("agents/twin.yaml", "name: Twin\ntone: c\n")
        proc = self.run_reconcile("plan", check=1)
        self.assertIn("agents/twin.yaml:1:1", proc.stderr)
        self.assertIn("uuid", proc.stderr)

    def test_pinned_uuid_selects_the_agent(self):
        self.write("agents/twin.yaml", "uuid: 44444444-4444-4444-8444-444444444442\nname: Twin\ntone: c\n")
        self.run_reconcile("apply", "--auto-approve", check=0)
        patches = self.api_requests("PATCH")
        self.assertEqual([p["target"] for p in patches], ["/api/v1/agents/44444444-4444-4444-8444-444444444442"])


class ApplyApproval(SimCase):
    def test_apply_without_terminal_refuses_and_writes_nothing(self):
        self.write("agents/a.yaml", "name: New Agent\n")
        proc = self.run_reconcile("apply", check=1)
        self.assertIn("--auto-approve", proc.stderr)
        self.assertEqual([r for r in self.api_requests() if r["method"] != "GET"], [])
        self.assertEqual(self.live_agents(), [])


if __name__ == "__main__":
    unittest.main()
