"""The CI examples (examples/ci) checked as a linter would: the YAML parses (YAML 1.2, as the
runners read it), the keys each system needs are there, permissions are written down, secrets
only reach the environment and are never printed, and every `reconcile` command line uses
commands and flags that the real binary's --help lists."""
import glob
import os
import re
import shlex
import subprocess
import unittest

from ruamel.yaml import YAML

from harness import RECONCILE

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CI = os.path.join(ROOT, "examples", "ci")
SECRET_EXPR = re.compile(r"\$\{\{\s*secrets\.")
# Pull request fields an author controls: never inside a shell script (script injection).
UNTRUSTED_EXPR = re.compile(r"\$\{\{[^}]*github\.(event\.(pull_request|issue|comment|review|head_commit)|head_ref)")
PRINTS_TOKEN = re.compile(r"(echo|printf|cat|env\b|printenv|set -x).*MIHU_API_TOKEN|MIHU_API_TOKEN.*\|")
SHELL_OPERATORS = {">", ">>", "<", "|", "||", "&&", ";", "2>", "2>&1"}


def load(path):
    yaml = YAML(typ="safe", pure=True)
    with open(path, encoding="utf-8") as f:
        return yaml.load(f)


def run_help(*args):
    proc = subprocess.run([RECONCILE, *args, "--help"], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


_help_cache = {}


def help_of(command):
    if command not in _help_cache:
        _help_cache[command] = run_help(command) if command else run_help()
    return _help_cache[command]


def reconcile_invocations(script):
    """Every `reconcile ...` command in a shell script, as a token list (without `reconcile`)."""
    found = []
    for line in script.splitlines():
        for m in re.finditer(r"(?:^|[\s;&|(])reconcile\s+(\S.*)", line):
            rest = m.group(1)
            try:
                tokens = shlex.split(rest, comments=True)
            except ValueError:
                tokens = rest.split()
            words = []
            for t in tokens:
                if t in SHELL_OPERATORS or t.startswith(">") or t.startswith("2>"):
                    break
                words.append(t)
            if words and not words[0].startswith("$"):
                found.append(words)
    return found


class Invocations:
    def assert_reconcile_lines_valid(self, script, where):
        listing = help_of(None).split("Subcommands:", 1)[1].split("Example:", 1)[0]
        listed = set(re.findall(r"^  (\S+)", listing, re.M))
        for words in reconcile_invocations(script):
            command = next((w for w in words if not w.startswith("-")), None)
            self.assertIn(command, listed, f"{where}: `reconcile {' '.join(words)}` uses an unknown command")
            text = help_of(command)
            for w in words:
                if w.startswith("--"):
                    flag = w.split("=", 1)[0]
                    self.assertRegex(text, r"(^|[\s,])" + re.escape(flag) + r"(?=[\s,=]|$)",
                                     f"{where}: `reconcile {' '.join(words)}`: {flag} is not in `reconcile {command} --help`")
            if command == "apply":
                self.assertIn("--auto-approve", words, f"{where}: CI has no terminal to approve on")
            self.invocations += 1

    def assert_no_secret_printed(self, script, where):
        self.assertIsNone(SECRET_EXPR.search(script), f"{where}: a secret expanded into a script")
        self.assertIsNone(PRINTS_TOKEN.search(script), f"{where}: the token printed")
        self.assertNotIn("MIHU_API_TOKEN", script, f"{where}: scripts need not touch the token")


class GitHubWorkflows(unittest.TestCase, Invocations):
    def setUp(self):
        self.invocations = 0

    def workflows(self):
        paths = sorted(glob.glob(os.path.join(CI, "github", "*.yml")))
        self.assertEqual(len(paths), 3)
        return [(os.path.relpath(p, ROOT), load(p)) for p in paths]

    def test_structure_and_permissions(self):
        for where, wf in self.workflows():
            with self.subTest(workflow=where):
                for key in ("name", "on", "permissions", "jobs"):
                    self.assertIn(key, wf)
                self.assertIsInstance(wf["permissions"], dict)
                self.assertEqual(wf["permissions"].get("contents"), "read")
                self.assertNotIn("write-all", str(wf["permissions"]))
                for job_name, job in wf["jobs"].items():
                    self.assertIn("runs-on", job)
                    self.assertTrue(job.get("steps"))
                    for step in job["steps"]:
                        self.assertEqual(("uses" in step) + ("run" in step), 1, f"{job_name}: {step}")
                        if "uses" in step:
                            self.assertRegex(step["uses"], r"^[\w.-]+/[\w.-]+@v\d+$")
                    # The image runs unprivileged; actions/checkout in a container job needs root.
                    if "container" in job:
                        self.assertIn("image", job["container"])
                        self.assertIn("--user root", job["container"].get("options", ""))
                    env = job.get("env", {})
                    self.assertIn("secrets.MIHU_API_TOKEN", env.get("MIHU_API_TOKEN", ""))
                    self.assertIn("MIHU_API_URL", env)

    def test_triggers(self):
        wf = dict(self.workflows())
        plan = wf["examples/ci/github/reconcile-plan.yml"]
        self.assertIn("pull_request", plan["on"])
        self.assertNotIn("pull_request_target", plan["on"])  # never the base's secrets for a fork's code
        self.assertEqual(plan["permissions"], {"contents": "read", "pull-requests": "write"})
        apply = wf["examples/ci/github/reconcile-apply.yml"]
        self.assertEqual(apply["on"]["push"]["branches"], ["main"])
        self.assertFalse(apply["concurrency"]["cancel-in-progress"])
        drift = wf["examples/ci/github/reconcile-drift.yml"]
        self.assertIn("schedule", drift["on"])

    def test_plan_comment_is_one_comment_found_by_a_marker(self):
        plan = load(os.path.join(CI, "github", "reconcile-plan.yml"))
        steps = plan["jobs"]["plan"]["steps"]
        script = next(s for s in steps if s.get("uses", "").startswith("actions/github-script@"))["with"]["script"]
        self.assertIn("<!-- reconcile-plan -->", script)
        self.assertIn("updateComment", script)
        self.assertIn("createComment", script)
        self.assertTrue(any(s.get("uses", "").startswith("actions/upload-artifact@") for s in steps))

    def test_scripts_and_commands(self):
        for where, wf in self.workflows():
            for job in wf["jobs"].values():
                for step in job["steps"]:
                    scripts = [step.get("run", ""), str((step.get("with") or {}).get("script", ""))]
                    for script in scripts:
                        self.assert_no_secret_printed(script, where)
                        self.assertIsNone(UNTRUSTED_EXPR.search(script), f"{where}: untrusted text in a script")
                    self.assert_reconcile_lines_valid(step.get("run", ""), where)
                    if "if" in step:
                        self.assertIsNone(SECRET_EXPR.search(str(step["if"])))
        self.assertGreaterEqual(self.invocations, 6)

    def test_drift_job_fails_on_drift(self):
        drift = load(os.path.join(CI, "github", "reconcile-drift.yml"))
        run = "\n".join(s.get("run", "") for s in drift["jobs"]["drift"]["steps"])
        self.assertIn("reconcile drift", run)
        self.assertIn('exit "$status"', run)


class GitLab(unittest.TestCase, Invocations):
    def setUp(self):
        self.invocations = 0
        self.ci = load(os.path.join(CI, "gitlab", ".gitlab-ci.yml"))

    def jobs(self):
        reserved = {"stages", "default", "variables", "include", "workflow", "image", "services", "cache"}
        return {k: v for k, v in self.ci.items() if k not in reserved and not k.startswith(".")}

    def test_structure(self):
        self.assertEqual(self.ci["default"]["image"]["entrypoint"], [""])
        stages = self.ci["stages"]
        jobs = self.jobs()
        self.assertEqual(set(jobs), {"validate", "plan", "plan-note", "apply", "drift"})
        for name, job in jobs.items():
            with self.subTest(job=name):
                self.assertIn(job["stage"], stages)
                self.assertTrue(job["script"])
                self.assertTrue(job["rules"])
        self.assertIn('$CI_PIPELINE_SOURCE == "schedule"', str(jobs["drift"]["rules"]))
        self.assertIn("$CI_DEFAULT_BRANCH", str(jobs["apply"]["rules"]))
        self.assertIn("resource_group", jobs["apply"])
        self.assertIn("<!-- reconcile-plan -->", "\n".join(jobs["plan-note"]["script"]))

    def test_scripts_and_commands(self):
        for name, job in self.jobs().items():
            script = "\n".join(job["script"])
            self.assert_no_secret_printed(script, name)
            self.assert_reconcile_lines_valid(script, name)
        self.assertEqual(self.invocations, 5)


class PreCommit(unittest.TestCase, Invocations):
    def setUp(self):
        self.invocations = 0

    def test_hooks_run_validate(self):
        for path in (os.path.join(CI, "pre-commit", ".pre-commit-config.yaml"), os.path.join(ROOT, ".pre-commit-hooks.yaml")):
            doc = load(path)
            hooks = doc["repos"][0]["hooks"] if isinstance(doc, dict) else doc
            for hook in hooks:
                self.assertEqual(hook["language"], "system")
                self.assertFalse(hook["pass_filenames"])
                self.assert_reconcile_lines_valid(hook["entry"], path)
        script_path = os.path.join(CI, "pre-commit", "pre-commit")
        self.assertTrue(os.access(script_path, os.X_OK))
        with open(script_path, encoding="utf-8") as f:
            script = f.read()
        self.assertTrue(script.startswith("#!/bin/sh"))
        self.assert_reconcile_lines_valid(script, script_path)
        self.assertEqual(self.invocations, 3)
        subprocess.run(["sh", "-n", script_path], check=True)

    def test_the_invocation_check_can_fail(self):
        """The checker itself: a made-up flag and a made-up command are caught."""
        with self.assertRaises(AssertionError):
            self.assert_reconcile_lines_valid("reconcile plan --no-such-flag", "probe")
        with self.assertRaises(AssertionError):
            self.assert_reconcile_lines_valid("reconcile deploy", "probe")
        with self.assertRaises(AssertionError):
            self.assert_reconcile_lines_valid("reconcile apply plan.json", "probe")
        with self.assertRaises(AssertionError):
            self.assert_no_secret_printed('echo "$MIHU_API_TOKEN"', "probe")


if __name__ == "__main__":
    unittest.main()
