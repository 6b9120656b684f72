"""validate's messages, connection settings, TLS verification and secrets, via the real binary."""
import os
import unittest

import simulator
from harness import TOKEN, SimCase


class Validate(SimCase):
    def test_every_error_in_every_file_in_one_run(self):
        self.write("agents/a.yaml", """
            name: Agent A
            langauge: en
            speed: slow
            settings:
              voice:
                interaction:
                  max_silence_prompts: three
        """)
        self.write("agents/b.yaml", """
            description: no name here
            ---
            name: Agent A
        """)
        self.write("agents/broken.yaml", "name: [unclosed\n")
        proc = self.run_reconcile("validate", connect=False, check=1)
        err = proc.stderr
        self.assertIn("agents/a.yaml:2:1: error: ", err)
        self.assertIn("language", err)  # the suggestion for the typo
        self.assertIn("agents/a.yaml:3:8: error: ", err)
        self.assertIn("normal", err)  # the allowed values
        self.assertIn("agents/a.yaml:7:28: error: ", err)
        self.assertIn("expected integer", err)
        self.assertIn("agents/b.yaml:1:1: error: ", err)
        self.assertIn("name", err)
        self.assertIn("agents/broken.yaml:", err)
        # duplicate names name both files
        dup = [l for l in err.splitlines() if "defined twice" in l or "twice" in l]
        self.assertTrue(dup, err)
        self.assertIn("agents/a.yaml", dup[0])
        self.assertIn("agents/b.yaml", dup[0])

    def test_valid_repository(self):
        self.write("agents/a.yaml", "name: Agent A\nlanguage: en\n")
        proc = self.run_reconcile("validate", connect=False, check=0)
        self.assertIn("1 agent", proc.stdout)

    def test_usage_error_exits_1(self):
        proc = self.run_reconcile("plan", "--no-such-option", check=1)
        self.assertTrue(proc.stderr)
        self.run_reconcile("frobnicate", check=1)

    def test_global_options_after_the_command(self):
        self.write("agents/a.yaml", "name: Agent A\n")
        proc = self.run_reconcile("validate", "--log-level", "debug", connect=False, check=0)
        self.assertIn("Valid", proc.stdout)


class Connection(SimCase):
    def test_missing_url_names_the_variable(self):
        self.write("agents/a.yaml", "name: A\n")
        proc = self.run_reconcile("plan", env={"MIHU_API_URL": ""}, check=1)
        self.assertIn("MIHU_API_URL", proc.stderr)

    def test_missing_token_names_the_variable(self):
        self.write("agents/a.yaml", "name: A\n")
        proc = self.run_reconcile("plan", env={"MIHU_API_TOKEN": ""}, check=1)
        self.assertIn("MIHU_API_TOKEN", proc.stderr)
        self.assertEqual(self.api_requests(), [])

    def test_url_with_api_prefix_and_token_file(self):
        self.write("agents/a.yaml", "name: A\n")
        token_file = os.path.join(self.tmp, "token")
        with open(token_file, "w") as f:
            f.write(TOKEN + "\n")
        proc = self.run_reconcile("plan", "--token-file", token_file, "--api-url", self.sim.url + "/api/v1/",
                                  env={"MIHU_API_TOKEN": ""}, check=0)
        self.assertIn("1 to create", proc.stdout)

    def test_refused_token_is_reported(self):
        self.write("agents/a.yaml", "name: A\n")
        proc = self.run_reconcile("plan", env={"MIHU_API_TOKEN": "wrong-token-123"}, check=1)
        self.assertIn("401", proc.stderr)
        self.assertIn("token", proc.stderr.lower())
        self.assertNotIn("wrong-token-123", proc.stderr + proc.stdout)

    def test_untrusted_certificate_fails_before_any_request(self):
        self.write("agents/a.yaml", "name: A\n")
        # Without --ca-file the test CA is not trusted.
        proc = self.run_reconcile("plan", "--ca-file", simulator.other_ca_file(self.ca), check=1)
        self.assertIn("certificate", proc.stderr)
        self.assertEqual(self.api_requests(), [])

    def test_token_never_printed_at_debug_level(self):
        self.write("agents/a.yaml", "name: A\n")
        proc = self.run_reconcile("plan", "-vv", "--log-level", "debug", check=0)
        self.assertNotIn(TOKEN, proc.stdout + proc.stderr)


class Secrets(SimCase):
    def test_env_values_never_appear_and_are_sent(self):
        secret = "https://llm.example.test/v1?key=s3cr3t-value-42"
        self.write("agents/a.yaml", "name: Secret Agent\ncustom_llm_url: ${env:LLM_URL}\n")
        proc = self.run_reconcile("plan", "-vv", env={"LLM_URL": secret}, check=0)
        self.assertNotIn("s3cr3t-value-42", proc.stdout + proc.stderr)
        proc = self.run_reconcile("apply", "--auto-approve", env={"LLM_URL": secret}, check=0)
        self.assertNotIn("s3cr3t-value-42", proc.stdout + proc.stderr)
        self.assertEqual(self.live_agent("Secret Agent")["custom_llm_url"], secret)

    def test_unset_variable_warns_in_validate_and_fails_plan(self):
        self.write("agents/a.yaml", "name: Secret Agent\ncustom_llm_url: ${env:LLM_URL_UNSET}\n")
        proc = self.run_reconcile("validate", connect=False, check=0)
        self.assertIn("warning", proc.stderr)
        self.assertIn("LLM_URL_UNSET", proc.stderr)
        proc = self.run_reconcile("plan", check=1)
        self.assertIn("agents/a.yaml:2:", proc.stderr)
        self.assertIn("LLM_URL_UNSET", proc.stderr)


if __name__ == "__main__":
    unittest.main()
