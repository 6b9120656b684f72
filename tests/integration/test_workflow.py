"""Plans as reviewable artifacts: saved plans, stale-plan refusal, JSON and Markdown output,
drift, export, targeting."""
import json
import os
import unittest

import jsonschema

from harness import TOKEN, SimCase

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
A1 = "77777777-0000-4000-8000-000000000001"
A2 = "77777777-0000-4000-8000-000000000002"


class SavedPlans(SimCase):
    seed = {"agents": [{"agent_uuid": A1, "name": "Alpha", "tone": "neutral"},
                       {"agent_uuid": A2, "name": "Beta", "tone": "neutral"}], "phone_numbers": []}

    def setUp(self):
        super().setUp()
        self.write("agents/alpha.yaml", "name: Alpha\ntone: warm\n")
        self.write("agents/beta.yaml", "name: Beta\ntone: neutral\n")
        self.write("agents/gamma.yaml", "name: Gamma\ntone: calm\n")
        self.plan_file = os.path.join(self.tmp, "plan.json")

    def test_saved_plan_is_applied_exactly(self):
        self.run_reconcile("plan", "--out", self.plan_file, check=0)
        # A change to the repository after the plan is not applied: the plan was the review.
        self.write("agents/beta.yaml", "name: Beta\ntone: loud\n")
        self.sim.clear_requests()
        self.run_reconcile("apply", self.plan_file, check=0)
        writes = [(r["method"], r["target"], r["body"]) for r in self.api_requests() if r["method"] != "GET"]
        # Two agents: applied by parallel workers, so their requests may arrive in either order.
        self.assertCountEqual(writes, [("PATCH", f"/api/v1/agents/{A1}", {"name": "Alpha", "tone": "warm"}),
                                       ("POST", "/api/v1/agents", {"name": "Gamma", "tone": "calm"})])
        self.assertEqual(self.live_agent("Beta")["tone"], "neutral")

    def test_live_change_between_plan_and_apply_refuses_with_no_write(self):
        self.run_reconcile("plan", "--out", self.plan_file, check=0)
        self.sim.api("PATCH", f"/api/v1/agents/{A1}", {"name": "Alpha", "description": "changed by hand"})
        self.sim.clear_requests()
        proc = self.run_reconcile("apply", self.plan_file, check=1)
        self.assertIn('plan is stale: agent "Alpha" changed since the plan was made', proc.stderr)
        self.assertEqual([r for r in self.api_requests() if r["method"] != "GET"], [])

    def test_plan_for_another_api_url_is_refused(self):
        self.run_reconcile("plan", "--out", self.plan_file, check=0)
        # The same server under another name is another API URL for the plan.
        other = self.sim.url.replace("127.0.0.1", "localhost")
        proc = self.run_reconcile("apply", self.plan_file, env={"MIHU_API_URL": other}, check=1)
        self.assertIn("plan is stale: it was made for", proc.stderr)
        self.assertEqual([r for r in self.api_requests() if r["method"] != "GET"], [])

    def test_edited_plan_writes_nothing(self):
        self.run_reconcile("plan", "--out", self.plan_file, check=0)
        with open(self.plan_file) as f:
            original = json.load(f)
        edits = {
            "body": lambda d: d["steps"][0]["request"]["body"].update(tone="hijacked"),
            "path": lambda d: d["steps"][0]["request"].update(path="/agents/" + A2),
            "extra key": lambda d: d.update(note="hi"),
            "mac removed": lambda d: d.pop("mac"),
        }
        for what, edit in edits.items():
            with self.subTest(what):
                doc = json.loads(json.dumps(original))
                edit(doc)
                with open(self.plan_file, "w") as f:
                    json.dump(doc, f)
                proc = self.run_reconcile("apply", self.plan_file, check=1)
                self.assertIn("its MAC does not match", proc.stderr)
        # Another workspace's token cannot apply it either.
        with open(self.plan_file, "w") as f:
            json.dump(original, f)
        proc = self.run_reconcile("apply", self.plan_file, env={"MIHU_API_TOKEN": "another-token"}, check=1)
        self.assertIn("its MAC does not match", proc.stderr)
        self.assertEqual([r for r in self.api_requests() if r["method"] != "GET"], [])

    def test_json_output_validates_against_the_schema(self):
        proc = self.run_reconcile("plan", "--format", "json", check=0)
        doc = json.loads(proc.stdout)
        schema = json.load(open(os.path.join(SOURCE_DIR, "schemas", "plan.schema.json")))
        jsonschema.validate(doc, schema)
        self.assertEqual(doc["format_version"], 2)
        self.assertRegex(doc["mac"], r"^hmac-sha256:[0-9a-f]{64}$")
        self.assertEqual([s["action"] for s in doc["steps"]], ["update", "create"])
        # --out writes the same document
        self.run_reconcile("plan", "--out", self.plan_file, check=0)
        saved = json.load(open(self.plan_file))
        self.assertEqual(saved, doc)

    def test_secret_is_kept_as_reference_in_the_plan_file(self):
        self.write("agents/alpha.yaml", "name: Alpha\ntone: warm\ncustom_llm_url: ${env:LLM_URL}\n")
        env = {"LLM_URL": "https://llm.example.test/?key=plan-secret-991"}
        self.run_reconcile("plan", "--out", self.plan_file, env=env, check=0)
        with open(self.plan_file) as f:
            text = f.read()
        self.assertNotIn("plan-secret-991", text)
        self.assertIn("${env:LLM_URL}", text)
        # A changed secret value makes the plan stale; the same value applies.
        proc = self.run_reconcile("apply", self.plan_file, env={"LLM_URL": "https://other.example.test/"}, check=1)
        self.assertIn("LLM_URL", proc.stderr)
        self.run_reconcile("apply", self.plan_file, env=env, check=0)
        self.assertEqual(self.live_agent("Alpha")["custom_llm_url"], env["LLM_URL"])

    def test_targeting(self):
        proc = self.run_reconcile("plan", "--agent", "Gamma", check=0)
        self.assertIn("Gamma", proc.stdout)
        self.assertNotIn("Alpha", proc.stdout)
        proc = self.run_reconcile("plan", "--agent", "Nobody", check=1)
        self.assertIn("Nobody", proc.stderr)
        self.run_reconcile("apply", "--auto-approve", "--agent", "Alpha", check=0)
        self.assertEqual([r["target"] for r in self.api_requests() if r["method"] != "GET"],
                         [f"/api/v1/agents/{A1}"])


class Markdown(SimCase):
    def seed_data(self):
        return {"agents": [{"agent_uuid": f"88888888-0000-4000-8000-{i:012d}", "name": f"Agent {i:03d}",
                            "custom_prompt": "\n".join(f"old line {j} of agent {i}" for j in range(40))}
                           for i in range(300)], "phone_numbers": []}

    def test_300_changed_agents_fit_a_github_comment(self):
        for i in range(300):
            lines = "\n".join(f"      new line {j} of agent {i}" for j in range(40))
            self.write(f"agents/{i}.yaml", f"name: Agent {i:03d}\ncustom_prompt: |\n{lines}\n")
        proc = self.run_reconcile("plan", "--format", "markdown", check=0)
        md = proc.stdout
        self.assertLessEqual(len(md), 65000)
        self.assertIn("300", md.split("<details>")[0])  # the summary comes first and is whole
        self.assertIn("<details>", md)
        self.assertIn("left out", md.lower())


class Drift(SimCase):
    seed = {"agents": [{"agent_uuid": A1, "name": "Alpha", "tone": "warm"},
                       {"agent_uuid": A2, "name": "Stray", "tone": "neutral"}], "phone_numbers": []}

    def test_drift_exit_codes_and_unmanaged_agents(self):
        self.write("agents/alpha.yaml", "name: Alpha\ntone: warm\n")
        proc = self.run_reconcile("drift", check=2)
        self.assertIn("Stray", proc.stdout)  # unmanaged
        self.write("agents/stray.yaml", "name: Stray\ntone: neutral\n")
        self.run_reconcile("drift", check=0)
        self.sim.api("PATCH", f"/api/v1/agents/{A1}", {"name": "Alpha", "tone": "cold"})
        self.sim.clear_requests()
        proc = self.run_reconcile("drift", "--format", "json", check=2)
        doc = json.loads(proc.stdout)
        self.assertIn("tone", json.dumps(doc))
        self.assertIn("cold", json.dumps(doc))
        self.write("agents/missing.yaml", "name: Missing\n")
        proc = self.run_reconcile("drift", check=2)
        self.assertIn("Missing", proc.stdout)
        self.assertEqual([r for r in self.api_requests() if r["method"] != "GET"], [])


RICH = {
    "agent_uuid": "99999999-0000-4000-8000-000000000001",
    "name": "Rich: Three / x",
    "language": "no",
    "objective": "Line one\nLine two: with colon\n  indented line",
    "tone": "yes",
    "status": "ready",
    "settings": {
        "voice": {"interaction": {"max_silence_prompts": 4, "inbound_first_message": "Hi #1 — welcome"},
                  "voice_advanced": {"stability": 0.9, "speed": 1}},
        "text": {"timing_and_delay": {"base_delay": 0.5}, "working_hours": {"start": "9 AM"}},
    },
    "guidelines": [{"content": "Say hi.", "order": 0}],
    "procedures": [{"name": "Book", "description": "Book a slot",
                    "steps": [{"order": 1, "description": "Ask for the plate"}]}],
    "appointments": {"enabled": True, "schedule_assignments": [
        {"name": "Service", "slot_rules": {"offer_slots_from": "3_hours", "max_appointments_per_day": 10}}]},
    "routing_rules": [{"detection_mode": "exact", "trigger_keyword": "on", "destination": "0101",
                       "destination_type": "extension", "phrases": ["sales", "no"]}],
    "guard_rules": [{"when_condition": "lawyer", "then_action": "forward", "selected_channels": ["phone"]}],
}


class Export(SimCase):
    seed = {"agents": [RICH, {"agent_uuid": A2, "name": "Plain"}],
            "phone_numbers": [{"phone_number_uuid": "99999999-1111-4111-8111-111111111111", "number": "+390701234567",
                               "bindings": {"call": {"agent_uuid": RICH["agent_uuid"]}}}]}

    def test_export_round_trip_plans_no_changes(self):
        out = os.path.join(self.tmp, "exported")
        self.run_reconcile("export", "--out-dir", out, check=0)
        files = sorted(os.listdir(os.path.join(out, "agents")))
        self.assertEqual(files, ["plain.yaml", "rich-three-x.yaml"])
        text = open(os.path.join(out, "agents", "rich-three-x.yaml")).read()
        self.assertRegex(text, r'(?m)^uuid: "?99999999-0000-4000-8000-000000000001"?$')
        self.assertIn('phone_number: "+390701234567"', text)
        self.assertNotIn("agent_uuid", text)
        self.assertNotIn("updated_at", text)
        self.repo = out
        self.run_reconcile("validate", connect=False, check=0)
        proc = self.run_reconcile("plan", "--detailed-exitcode", check=0)
        self.assertIn("No changes", proc.stdout)

    def test_export_one_agent(self):
        out = os.path.join(self.tmp, "one")
        self.run_reconcile("export", "--out-dir", out, "--agent", "Plain", check=0)
        self.assertEqual(os.listdir(os.path.join(out, "agents")), ["plain.yaml"])
        self.run_reconcile("export", "--out-dir", out, "--agent", "Nobody", check=1)


SHORT_DOCUMENT = """\
name: Trattoria Da Gino Bookings
company_name: Trattoria Da Gino
role: Takes table bookings by phone for a family restaurant in Bologna.
objective: Book a table with the guest's name, party size, date and time.
tone: Friendly and brief.
behavior_guidelines: Never promise a table before checking the booking system.
language: it
timezone: Europe/Rome
settings:
  voice:
    interaction:
      inbound_first_message: Trattoria Da Gino. Buonasera!
      max_silence_prompts: 2
    voice_profile:
      language: it
guidelines:
  - content: Confirm the party size twice.
    order: 0
"""


class ExportWritesWhatAPersonWrites(SimCase):
    def test_an_18_line_document_comes_back_as_18_lines(self):
        self.assertEqual(len(SHORT_DOCUMENT.splitlines()), 18)
        self.write("agents/gino.yaml", SHORT_DOCUMENT)
        self.run_reconcile("apply", "--auto-approve", check=0)
        live = self.live_agent("Trattoria Da Gino Bookings")
        self.assertEqual(live["speed"], "normal")  # the service filled in its defaults
        self.assertIn("text", live["settings"])

        out = os.path.join(self.tmp, "exported")
        self.run_reconcile("export", "--out-dir", out, check=0)
        with open(os.path.join(out, "agents", "trattoria-da-gino-bookings.yaml"), encoding="utf-8") as f:
            exported = f.read()
        lines = exported.splitlines()
        self.assertEqual(lines[0], "# yaml-language-server: $schema=../schemas/agent.schema.json")
        self.assertRegex(lines[1], r'^uuid: "?%s"?$' % live["agent_uuid"])
        self.assertEqual("\n".join(lines[2:]) + "\n", SHORT_DOCUMENT)

        # The export is a repository: no error, no warning, no lint; and nothing to change.
        self.repo = out
        proc = self.run_reconcile("validate", "--strict", connect=False, check=0)
        self.assertEqual(proc.stderr, "")
        proc = self.run_reconcile("plan", "--detailed-exitcode", check=0)
        self.assertIn("No changes", proc.stdout)


if __name__ == "__main__":
    unittest.main()
