"""The command line as a person meets it: version, a mistyped command, each command's help,
colours (--color, NO_COLOR, TERM=dumb, a terminal or not)."""
import os
import pty
import re
import subprocess
import unittest

from harness import RECONCILE, SimCase

COMMANDS = ["validate", "plan", "apply", "drift", "export", "init", "version"]
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(*args, env=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("MIHU_")}
    e.update(env or {})
    return subprocess.run([RECONCILE, *args], capture_output=True, text=True, timeout=60, env=e,
                          stdin=subprocess.DEVNULL)


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        return re.search(r"project\(reconcile VERSION ([0-9.]+)", f.read()).group(1)


class Version(unittest.TestCase):
    def test_version_command_and_flag_agree(self):
        cmd = run("version")
        flag = run("--version")
        self.assertEqual(cmd.returncode, 0, cmd.stderr)
        self.assertEqual(flag.returncode, 0, flag.stderr)
        self.assertEqual(cmd.stdout.strip(), flag.stdout.strip())
        first = cmd.stdout.splitlines()[0]
        self.assertEqual(first, "reconcile " + project_version())
        for library in ("Boost 1.", "OpenSSL 3.", "spdlog ", "CLI11 "):
            self.assertIn(library, cmd.stdout)
        self.assertRegex(cmd.stdout, r"(libfyaml|yaml-cpp) [0-9]+\.[0-9]+")


class UnknownCommand(unittest.TestCase):
    def test_a_typo_names_the_nearest_command(self):
        proc = run("plna")
        self.assertEqual(proc.returncode, 1)  # every usage error exits 1 (2 means "changes")
        self.assertIn('unknown command "plna"; did you mean "plan"?', proc.stderr)
        self.assertEqual(proc.stdout, "")

    def test_global_options_before_the_command_are_skipped(self):
        proc = run("--repo", "plan", "--log-level", "warn", "valdate")
        self.assertEqual(proc.returncode, 1)
        self.assertIn('unknown command "valdate"; did you mean "validate"?', proc.stderr)

    def test_nothing_close_lists_the_commands(self):
        proc = run("frobnicate")
        self.assertEqual(proc.returncode, 1)
        self.assertIn('unknown command "frobnicate"', proc.stderr)
        for c in COMMANDS:
            self.assertIn(c, proc.stderr)

    def test_a_usage_error_inside_a_command_still_exits_1(self):
        self.assertEqual(run("plan", "--no-such-option").returncode, 1)
        self.assertEqual(run("--color", "sometimes", "validate").returncode, 1)


class Help(unittest.TestCase):
    def test_every_command_help_lists_global_options_and_ends_with_an_example(self):
        for command in COMMANDS:
            with self.subTest(command=command):
                proc = run(command, "--help")
                self.assertEqual(proc.returncode, 0, proc.stderr)
                text = proc.stdout
                self.assertIn("Global options", text)
                for option in ("--repo", "--api-url", "--token-file", "--color", "--log-level"):
                    self.assertIn(option, text)
                tail = text.rstrip().splitlines()
                self.assertEqual(tail[-2], "Example:")
                self.assertTrue(tail[-1].strip().startswith("reconcile " + command), tail[-1])

    def test_help_command_is_help_option(self):
        self.assertEqual(run("help", "plan").stdout, run("plan", "--help").stdout)
        self.assertEqual(run("help").stdout, run("--help").stdout)


class Colours(SimCase):
    """A plan with a change, rendered with and without colours."""

    def setUp(self):
        super().setUp()
        self.write("agents/a.yaml", "name: Agent A\nlanguage: en\n")

    def plan(self, *args, env=None):
        return self.run_reconcile(*args, "plan", env=env, check=0).stdout

    def test_always_never_and_auto_off_a_terminal(self):
        self.assertIn("\x1b[", self.plan("--color", "always"))
        self.assertNotIn("\x1b[", self.plan("--color", "never", env={"NO_COLOR": ""}))
        self.assertNotIn("\x1b[", self.plan("--color", "auto", env={"NO_COLOR": ""}))
        self.assertNotIn("\x1b[", self.plan("--color", "always", "--no-color"))

    def on_a_terminal(self, env):
        """Runs `plan` with standard output on a pseudo-terminal; returns what it showed."""
        e = {k: v for k, v in os.environ.items() if not k.startswith("MIHU_") and k not in ("NO_COLOR", "TERM")}
        e.update({"MIHU_API_URL": self.sim.url, "MIHU_API_TOKEN": "itest-token-7f3a9c"})
        e.update(env)
        from simulator import ca_file
        leader, follower = pty.openpty()
        try:
            proc = subprocess.Popen([RECONCILE, "--repo", self.repo, "--ca-file", ca_file(self.ca), "plan"],
                                    stdout=follower, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=e)
            os.close(follower)
            follower = None
            chunks = []
            while True:
                try:
                    data = os.read(leader, 65536)
                except OSError:
                    break
                if not data:
                    break
                chunks.append(data)
            proc.wait(timeout=60)
            self.assertEqual(proc.returncode, 0, proc.stderr.read())
            proc.stderr.close()
            return b"".join(chunks).decode("utf-8")
        finally:
            if follower is not None:
                os.close(follower)
            os.close(leader)

    def test_auto_on_a_terminal(self):
        self.assertIn("\x1b[", self.on_a_terminal({"TERM": "xterm-256color"}))
        self.assertNotIn("\x1b[", self.on_a_terminal({"TERM": "dumb"}))
        self.assertNotIn("\x1b[", self.on_a_terminal({"TERM": "xterm-256color", "NO_COLOR": "1"}))


if __name__ == "__main__":
    unittest.main()
