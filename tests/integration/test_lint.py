"""validate's constraint errors, undocumented-field warnings and lint warnings through the real
binary: errors stop every command, warnings are printed, --strict turns them into exit 1."""
import unittest

from harness import SimCase

COMPLETE = """\
name: Front desk
role: Receptionist of a dental practice.
objective: Book check-ups.
tone: Calm.
behavior_guidelines: Never give medical advice.
language: en
settings:
  voice:
    voice_profile:
      language: en
"""


class ValidateAndLint(SimCase):
    def test_a_complete_document_is_valid_even_with_strict(self):
        self.write("agents/a.yaml", COMPLETE)
        proc = self.run_reconcile("validate", "--strict", connect=False, check=0)
        self.assertEqual(proc.stderr, "")
        self.assertIn("Valid: 1 agent(s) in 1 file(s).", proc.stdout)

    def test_lint_warnings_are_printed_and_fail_only_with_strict(self):
        self.write("agents/a.yaml", COMPLETE + """\
guard_rules:
  - when_condition: The caller is abusive.
    then_action: end_conversation
""")
        proc = self.run_reconcile("validate", connect=False, check=0)
        self.assertIn("agents/a.yaml:13:5: warning: `guard_rules[0]` ends the conversation with no `say_before_end` "
                      "(the customer is cut off without a word)", proc.stderr)
        self.assertIn("1 lint warning(s)", proc.stdout)
        proc = self.run_reconcile("validate", "--strict", connect=False, check=1)
        self.assertIn("Not valid with --strict", proc.stderr)
        # Lint is advice for validate: plan carries on.
        self.run_reconcile("plan", check=0)

    def test_undocumented_fields_warn_everywhere_and_fail_strict(self):
        self.write("agents/a.yaml", COMPLETE + "    voice_advanced:\n      stability: 0.9\n")
        message = ("agents/a.yaml:11:5: warning: `settings.voice.voice_advanced` is not in the documented PATCH body; "
                   "the service may ignore it")
        self.assertIn(message, self.run_reconcile("validate", connect=False, check=0).stderr)
        self.run_reconcile("validate", "--strict", connect=False, check=1)
        self.assertIn(message, self.run_reconcile("plan", check=0).stderr)

    def test_constraint_errors_stop_validate_plan_apply_and_drift(self):
        self.write("agents/a.yaml", COMPLETE.replace("language: en\nsettings", "language: english\ntimezone: Europe/Roma\nsettings"))
        for args in (["validate"], ["plan"], ["apply", "--auto-approve"], ["drift"]):
            with self.subTest(command=args[0]):
                proc = self.run_reconcile(*args, connect=args[0] != "validate", check=1)
                self.assertIn("agents/a.yaml:6:1: error: `language`: \"english\" is not an ISO 639-1 language code; "
                              "expected an ISO 639-1 code such as en, it, de", proc.stderr)
                self.assertIn("agents/a.yaml:7:1: error: `timezone`: \"Europe/Roma\" is not an IANA time zone name",
                              proc.stderr)
        self.assertEqual([r for r in self.api_requests() if r["method"] != "GET"], [])

    def test_a_secret_is_not_checked_and_never_printed(self):
        self.write("agents/a.yaml", COMPLETE.replace("language: en\nsettings", "language: ${env:AGENT_LANG}\nsettings"))
        proc = self.run_reconcile("validate", "--strict", env={"AGENT_LANG": "klingon-secret-42"}, connect=False,
                                  check=0)
        self.assertNotIn("klingon-secret-42", proc.stdout + proc.stderr)


if __name__ == "__main__":
    unittest.main()
