"""One repository, two workspaces: a shared base document (`extends:`) and two environments
of reconcile.yaml (`--env`), each applied to its own simulator."""
import os
import textwrap
import unittest

import simulator
from harness import SimCase, MIHU_SIM, TOKEN

CONFIG = """\
environments:
  staging:
    include: [envs/staging/*.yaml]
    vars:
      brand: Volvo Test
      extension: "900"
  prod:
    include: [envs/prod/*.yaml]
    vars:
      brand: Volvo
      extension: "200"
"""

BASE = """\
role: Service scheduler for a ${var:brand} dealership.
objective: Book a service appointment.
tone: Warm and professional.
behavior_guidelines: Confirm the license plate before booking.
language: en
settings:
  voice:
    interaction:
      end_call_message: Thank you for calling!
      max_silence_prompts: 3
guard_rules:
  - name: Legal escalation
    when_condition: The customer mentions a lawyer.
    then_action: forward
    destination_type: extension
    destination: ${var:extension}
"""

STAGING = """\
extends: ../../bases/dealership.yaml
name: ${var:brand} Cagliari
tone: Brief, this agent talks to testers.
settings:
  voice:
    interaction:
      max_silence_prompts: 1
"""

PROD = """\
extends: ../../bases/dealership.yaml
name: ${var:brand} Cagliari
"""


class Environments(SimCase):
    def setUp(self):
        super().setUp()
        # The production workspace: a second simulator beside the harness's (staging).
        self.prod = simulator.Simulator(MIHU_SIM, {"agents": [], "phone_numbers": []},
                                        os.path.join(self.tmp, "sim-prod"), token=TOKEN, ca_dir=self.ca)
        self.prod.start()
        self.addCleanup(self.prod.stop)
        self.write("reconcile.yaml", CONFIG)
        self.write("bases/dealership.yaml", BASE)
        self.write("envs/staging/cagliari.yaml", STAGING)
        self.write("envs/prod/cagliari.yaml", PROD)

    def run_prod(self, *args, check=None, env=None):
        e = {"MIHU_API_URL": self.prod.url}
        e.update(env or {})
        return self.run_reconcile(*args, env=e, check=check)

    def test_each_environment_gets_its_own_values_and_replans_empty(self):
        self.run_reconcile("--env", "staging", "apply", "--auto-approve", check=0)
        # RECONCILE_ENV names the environment as well as --env does.
        self.run_prod("apply", "--auto-approve", env={"RECONCILE_ENV": "prod"}, check=0)

        staging = [a for a in self.sim.state()["agents"]]
        prod = [a for a in self.prod.state()["agents"]]
        self.assertEqual([a["name"] for a in staging], ["Volvo Test Cagliari"])
        self.assertEqual([a["name"] for a in prod], ["Volvo Cagliari"])
        s, p = staging[0], prod[0]
        self.assertEqual(s["tone"], "Brief, this agent talks to testers.")  # the document's own value
        self.assertEqual(p["tone"], "Warm and professional.")               # the base's
        self.assertEqual(s["role"], "Service scheduler for a Volvo Test dealership.")
        self.assertEqual(p["role"], "Service scheduler for a Volvo dealership.")
        # Objects merge deeply: the staging document's one setting beside the base's others.
        self.assertEqual(s["settings"]["voice"]["interaction"]["max_silence_prompts"], 1)
        self.assertEqual(p["settings"]["voice"]["interaction"]["max_silence_prompts"], 3)
        self.assertEqual(s["settings"]["voice"]["interaction"]["end_call_message"], "Thank you for calling!")
        self.assertEqual([g["destination"] for g in s["guard_rules"]], ["900"])
        self.assertEqual([g["destination"] for g in p["guard_rules"]], ["200"])

        self.run_reconcile("--env", "staging", "plan", "--detailed-exitcode", check=0)
        self.run_prod("--env", "prod", "plan", "--detailed-exitcode", check=0)
        self.run_prod("--env", "prod", "drift", check=0)
        out = os.path.join(self.tmp, "export")
        self.run_prod("--env", "prod", "export", "--out-dir", out, check=0)
        self.assertEqual(os.listdir(os.path.join(out, "agents")), ["volvo-cagliari.yaml"])
        # The other environment's documents are not this workspace's: planned against prod,
        # staging wants its own agent created.
        cross = self.run_prod("--env", "staging", "plan", "--detailed-exitcode", check=2)
        self.assertIn("Volvo Test Cagliari", cross.stdout)

    def test_a_repository_with_environments_needs_one_named(self):
        for args in (["plan"], ["apply", "--auto-approve"], ["drift"],
                     ["export", "--out-dir", os.path.join(self.tmp, "out")]):
            with self.subTest(command=args[0]):
                proc = self.run_reconcile(*args, check=1)
                self.assertIn("choose one with --env NAME", proc.stderr)
                self.assertIn("staging, prod", proc.stderr)
        self.assertEqual(self.api_requests("POST"), [])
        typo = self.run_reconcile("--env", "prdo", "plan", check=1)
        self.assertIn("unknown environment \"prdo\"; did you mean `prod`?", typo.stderr)

    def test_validate_without_env_checks_every_environment(self):
        ok = self.run_reconcile("validate", connect=False, check=0)
        self.assertIn("staging: 1 agent(s)", ok.stdout)
        self.assertIn("prod: 1 agent(s)", ok.stdout)
        # A variable only staging declares, used by a document only prod reads.
        self.write("envs/prod/cagliari.yaml", PROD + "objective: Ask for the ${var:extension2}.\n")
        bad = self.run_reconcile("validate", connect=False, check=1)
        self.assertIn("envs/prod/cagliari.yaml:3:1: error: `objective`: unknown variable `extension2` in "
                      "environment `prod`; did you mean `extension`? [environment prod]", bad.stderr)
        self.assertNotIn("[environment staging]", bad.stderr)
        self.run_reconcile("--env", "staging", "validate", connect=False, check=0)

    def test_an_error_in_a_base_names_the_base_file_and_line(self):
        self.write("bases/dealership.yaml", BASE + "speed: slowly\n")
        proc = self.run_reconcile("--env", "prod", "plan", check=1)
        self.assertIn("bases/dealership.yaml:17:8: error: `speed`: \"slowly\" is not an allowed value", proc.stderr)
        self.assertEqual(proc.stderr.count("bases/dealership.yaml:17:8"), 1)
        # A value from the base checked after merging (a range) also names the base's line.
        self.write("bases/dealership.yaml", BASE.replace("max_silence_prompts: 3", "max_silence_prompts: -1"))
        proc = self.run_reconcile("--env", "prod", "plan", check=1)
        self.assertIn("bases/dealership.yaml:10:7: error:", proc.stderr)
        self.assertEqual(self.api_requests("POST"), [])

    def test_a_cycle_and_a_base_outside_the_repository_are_errors(self):
        self.write("bases/a.yaml", "extends: b.yaml\ntone: a\n")
        self.write("bases/b.yaml", "tone: b\nextends: a.yaml\n")
        self.write("envs/prod/cagliari.yaml", "extends: ../../bases/a.yaml\nname: X\n")
        proc = self.run_reconcile("--env", "prod", "validate", connect=False, check=1)
        self.assertIn("bases/b.yaml:2:1: error: `extends` makes a cycle: bases/a.yaml -> bases/b.yaml -> "
                      "bases/a.yaml", proc.stderr)

        outside = os.path.join(self.tmp, "outside.yaml")
        with open(outside, "w", encoding="utf-8") as f:
            f.write("tone: from outside the repository\n")
        self.write("envs/prod/cagliari.yaml", "extends: ../../../outside.yaml\nname: X\n")
        proc = self.run_reconcile("--env", "prod", "validate", connect=False, check=1)
        self.assertIn("envs/prod/cagliari.yaml:1:1: error: `extends`: base \"../../../outside.yaml\" is outside "
                      "the repository", proc.stderr)

        os.symlink(outside, os.path.join(self.repo, "bases", "link.yaml"))
        self.write("envs/prod/cagliari.yaml", "extends: ../../bases/link.yaml\nname: X\n")
        proc = self.run_reconcile("--env", "prod", "validate", connect=False, check=1)
        self.assertIn("resolves outside the repository (through a symbolic link)", proc.stderr)
        self.assertNotIn("from outside the repository", proc.stdout + proc.stderr)


class ShippedExample(unittest.TestCase):
    def test_the_environments_example_is_valid_in_every_environment(self):
        import subprocess
        from harness import RECONCILE
        source = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MIHU_", "RECONCILE_ENV"))}
        proc = subprocess.run([RECONCILE, "--repo", os.path.join(source, "examples", "environments"), "validate",
                               "--strict"], env=env, capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, "")
        self.assertIn("staging: 2 agent(s) in 3 file(s)", proc.stdout)
        self.assertIn("prod: 2 agent(s) in 3 file(s)", proc.stdout)


if __name__ == "__main__":
    unittest.main()
