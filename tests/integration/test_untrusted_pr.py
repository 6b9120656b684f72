"""What a hostile pull request cannot make `reconcile` do: send the token elsewhere, print the
token or a secret in any output, show a secret's old value, or fake lines in a CI log."""
import html
import json
import os
import re
import shutil
import unittest

import simulator
from harness import MIHU_SIM, TOKEN, SimCase

A1 = "88888888-0000-4000-8000-000000000001"
SECRET = "whsec-4f1c-very-secret-value"
OLD_SECRET = "whsec-old-value-still-live"


def decoded_views(text):
    """The text, and what it says once HTML entities, JSON/backslash escapes and percent escapes
    are undone: a secret must not hide behind any of them."""
    views = [text, html.unescape(text), html.unescape(html.unescape(text))]
    for v in list(views):
        try:
            views.append(v.encode("latin-1", "backslashreplace").decode("unicode_escape"))
        except (UnicodeDecodeError, UnicodeEncodeError):
            pass
        views.append(re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), v))
        views.append(v.replace("\\", ""))
    return views


class TokenGoesOnlyWhereTheOperatorSaid(SimCase):
    def setUp(self):
        super().setUp()
        self.write("agents/a.yaml", "name: Alpha\ntone: warm\n")
        # A second workspace: the one a pull request would like to receive the token.
        self.evil = simulator.Simulator(MIHU_SIM, {"agents": [], "phone_numbers": []},
                                        os.path.join(self.tmp, "evil"), token="x", ca_dir=self.ca)
        self.evil.start()
        self.addCleanup(self.evil.stop)

    def test_repository_api_url_alone_receives_no_request(self):
        self.write("reconcile.yaml", f"api_url: {self.evil.url}\n")
        for command in (["plan"], ["drift"], ["apply", "--auto-approve"], ["export", "--out-dir", self.tmp + "/x"]):
            with self.subTest(command[0]):
                proc = self.run_reconcile(*command, env={"MIHU_API_URL": ""}, check=1)
                self.assertIn("comes only from reconcile.yaml", proc.stderr)
                self.assertIn("MIHU_API_URL=" + self.evil.url.rstrip("/"), proc.stderr)
        self.assertEqual(self.evil.requests(), [])

    def test_the_operator_can_allow_it_from_outside(self):
        self.write("reconcile.yaml", f"api_url: {self.evil.url}\n")
        proc = self.run_reconcile("plan", env={"MIHU_API_URL": self.evil.url, "MIHU_API_TOKEN": "x"}, check=0)
        self.assertIn("1 to create", proc.stdout)
        self.assertNotEqual(self.evil.requests(), [])

    def test_outside_url_wins_over_the_repository(self):
        self.write("reconcile.yaml", f"api_url: {self.evil.url}\n")
        self.run_reconcile("plan", check=0)  # MIHU_API_URL points at the real simulator
        self.assertEqual(self.evil.requests(), [])
        self.assertNotEqual(self.api_requests(), [])


class SecretsNeverPrinted(SimCase):
    seed = {"agents": [{"agent_uuid": A1, "name": "Alpha", "tone": "neutral",
                        "routing_rules": [{"detection_mode": "exact", "trigger_keyword": "sales",
                                           "transfer_config": {"token": OLD_SECRET}}],
                        "custom_llm_url": "https://llm.test/?k=" + OLD_SECRET}],
            "phone_numbers": []}

    def outputs(self, env):
        """Every output a PR's CI can show: text, JSON and Markdown plans, -vv logs, the plan file,
        drift in all formats, validate."""
        plan_file = os.path.join(self.tmp, "plan.json")
        runs = [self.run_reconcile("plan", "-vv", "--out", plan_file, env=env),
                self.run_reconcile("plan", "--format", "json", env=env),
                self.run_reconcile("plan", "--format", "markdown", env=env),
                self.run_reconcile("drift", "-vv", env=env),
                self.run_reconcile("drift", "--format", "json", env=env),
                self.run_reconcile("drift", "--format", "markdown", env=env),
                self.run_reconcile("validate", env=env)]
        texts = [r.stdout + r.stderr for r in runs]
        if os.path.exists(plan_file):
            with open(plan_file) as f:
                texts.append(f.read())
        return runs, texts

    def assert_absent(self, texts, *secrets):
        for text in texts:
            for view in decoded_views(text):
                for secret in secrets:
                    self.assertNotIn(secret, view)

    def test_token_referenced_by_name_is_refused_and_never_printed(self):
        self.write("agents/a.yaml", 'name: Alpha\ndescription: "x${env:MIHU_API_TOKEN}"\n')
        runs, texts = self.outputs({})
        for r in runs:
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("is the API token's variable", runs[-1].stderr)
        self.assert_absent(texts, TOKEN)

    def test_variable_holding_the_token_is_refused(self):
        self.write("agents/a.yaml", 'name: Alpha\ndescription: "${env:INNOCENT}"\n')
        runs, texts = self.outputs({"INNOCENT": TOKEN})
        self.assertIn("contains the API token", runs[0].stderr)
        self.assertEqual(runs[0].returncode, 1)
        self.assert_absent(texts, TOKEN)

    def test_name_cannot_reference_the_environment(self):
        self.write("agents/a.yaml", 'name: "Alpha ${env:SECRET}"\n')
        runs, texts = self.outputs({"SECRET": SECRET})
        self.assertIn("`name` cannot reference ${env:}", runs[-1].stderr)
        self.assert_absent(texts, SECRET, TOKEN)

    def test_secret_and_its_old_live_value_appear_nowhere(self):
        self.write("agents/a.yaml", """\
            name: Alpha
            tone: warm
            custom_llm_url: "https://llm.test/?k=${env:WEBHOOK_SECRET}"
            routing_rules:
              - detection_mode: exact
                trigger_keyword: sales
                transfer_config: {token: "${env:WEBHOOK_SECRET}"}
            """)
        runs, texts = self.outputs({"WEBHOOK_SECRET": SECRET})
        self.assertEqual(runs[0].returncode, 0, runs[0].stderr)
        self.assertIn("${env:WEBHOOK_SECRET} (changed)", runs[0].stdout)
        self.assertIn("${env:WEBHOOK_SECRET} (old value)", runs[0].stdout)
        self.assert_absent(texts, SECRET, OLD_SECRET, TOKEN)
        # Applying sends the value, and a second plan sees nothing to do.
        self.run_reconcile("apply", "--auto-approve", env={"WEBHOOK_SECRET": SECRET}, check=0)
        patch = [r for r in self.api_requests("PATCH")][0]
        self.assertEqual(patch["body"]["custom_llm_url"], "https://llm.test/?k=" + SECRET)
        again = self.run_reconcile("plan", "--detailed-exitcode", env={"WEBHOOK_SECRET": SECRET}, check=0)
        self.assertIn("No changes", again.stdout)


class OutputHygiene(SimCase):
    seed = {"agents": [{"agent_uuid": A1, "name": "Alpha", "tone": "line one\u009b2K\u202e"}],
            "phone_numbers": []}

    def test_escape_sequences_in_values_are_shown_escaped(self):
        self.write("agents/a.yaml", 'name: Alpha\ntone: "warm\\e[2K\\rNo changes.\\a"\n'
                                    'objective: "a\\u202eb"\n')
        text = self.run_reconcile("plan", check=0)
        self.assertNotIn("\x1b", text.stdout)
        self.assertNotIn("\r", text.stdout)
        self.assertNotIn("\x07", text.stdout)
        self.assertNotIn("\u202e", text.stdout)
        self.assertNotIn("\u009b", text.stdout)
        self.assertIn("\\u001b[2K\\rNo changes.", text.stdout)  # shown, escaped
        # With colours on, only the tool's own colour codes reach the terminal: a value's escape
        # sequence (here one that would hide text) is still shown escaped.
        self.write("agents/a.yaml", 'name: Alpha\ntone: "\\e[8mhidden\\e[0m"\n')
        colored = self.run_reconcile("plan", "--color", "always", check=0).stdout
        self.assertIn("\x1b[", colored)
        self.assertNotIn("\x1b[8m", colored)
        self.assertIn("\\u001b[8mhidden", colored)
        self.write("agents/a.yaml", 'name: Alpha\ntone: "warm\\e[2K\\rNo changes.\\a"\n'
                                    'objective: "a\\u202eb"\n')
        markdown = self.run_reconcile("plan", "--format", "markdown", check=0)
        for bad in ("\x1b", "\r", "\x07", "\u202e", "\u009b"):
            self.assertNotIn(bad, markdown.stdout)
        # JSON stays valid JSON and keeps the exact values.
        doc = json.loads(self.run_reconcile("plan", "--format", "json", check=0).stdout)
        self.assertNotIn("\u009b", self.run_reconcile("plan", "--format", "json", check=0).stdout)
        change = doc["steps"][0]["changes"][0]
        self.assertEqual(change["after"], "warm\x1b[2K\rNo changes.\x07")
        self.assertEqual(change["before"], "line one\u009b2K\u202e")


if __name__ == "__main__":
    unittest.main()


class NeverSilentlyEmpty(SimCase):
    seed = {"agents": [{"agent_uuid": A1, "name": "Alpha"}], "phone_numbers": []}

    def test_no_agent_files_is_an_error_not_no_changes(self):
        for command in (["validate"], ["plan"], ["apply", "--auto-approve", "--prune"], ["drift"]):
            with self.subTest(command[0]):
                proc = self.run_reconcile(*command, check=1)
                self.assertIn("no agent files under", proc.stderr)
                self.assertIn("include globs: agents/**/*.yaml, agents/**/*.yml", proc.stderr)
        self.write("agents/empty.yaml", "# nothing yet\n---\n")
        self.assertIn("every document is empty", self.run_reconcile("plan", check=1).stderr)
        self.assertEqual(self.api_requests("DELETE"), [])
        self.assertEqual(len(self.live_agents()), 1)

    def test_a_missing_repository_is_an_error(self):
        shutil.rmtree(self.repo)
        proc = self.run_reconcile("plan", check=1)
        self.assertIn("no such directory", proc.stderr)
