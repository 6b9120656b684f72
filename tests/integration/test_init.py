"""`reconcile init`: a new repository that validates, and never a file overwritten."""
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import RECONCILE

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

GITHUB = [".github/workflows/reconcile-plan.yml", ".github/workflows/reconcile-apply.yml",
          ".github/workflows/reconcile-drift.yml"]
WRITTEN = ["reconcile.yaml", "agents/example.yaml", "schemas/agent.schema.json"] + GITHUB


def run(*args, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIHU_")}
    env["NO_COLOR"] = "1"
    return subprocess.run([RECONCILE, *args], capture_output=True, text=True, timeout=60, env=env, cwd=cwd,
                          stdin=subprocess.DEVNULL)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def all_files(top):
    found = []
    for d, _, files in os.walk(top):
        found += [os.path.relpath(os.path.join(d, f), top) for f in files]
    return sorted(found)


class Init(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="reconcile-init-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.dir = os.path.join(self.tmp, "agents-repo")

    def test_init_then_validate_passes(self):
        proc = run("init", self.dir)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(all_files(self.dir), sorted(WRITTEN))
        for f in WRITTEN:
            self.assertIn(f, proc.stdout)
        # The schema is the project's, and the example names it for editors by a relative path.
        self.assertEqual(read(os.path.join(self.dir, "schemas/agent.schema.json")),
                         read(os.path.join(ROOT, "schemas/agent.schema.json")))
        first = read(os.path.join(self.dir, "agents/example.yaml")).splitlines()[0]
        self.assertEqual(first, "# yaml-language-server: $schema=../schemas/agent.schema.json")
        self.assertTrue(os.path.isfile(os.path.join(self.dir, "agents", "../schemas/agent.schema.json")))
        # The workflows are the examples shipped in examples/ci.
        for f in GITHUB:
            self.assertEqual(read(os.path.join(self.dir, f)),
                             read(os.path.join(ROOT, "examples/ci/github", os.path.basename(f))))
        # Validates strictly (no lint warning either), from --repo and from inside the folder.
        proc = run("--repo", self.dir, "validate", "--strict")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("Valid: 1 agent(s) in 1 file(s)", proc.stdout)
        self.assertEqual(run("validate", cwd=self.dir).returncode, 0)

    def test_init_twice_refuses_and_lists_the_files(self):
        self.assertEqual(run("init", self.dir).returncode, 0)
        before = {f: read(os.path.join(self.dir, f)) for f in WRITTEN}
        proc = run("init", self.dir)
        self.assertEqual(proc.returncode, 1)
        for f in WRITTEN:
            self.assertIn(f, proc.stderr)
        self.assertEqual({f: read(os.path.join(self.dir, f)) for f in WRITTEN}, before)

    def test_one_existing_file_means_nothing_is_written(self):
        os.makedirs(os.path.join(self.dir, "agents"))
        with open(os.path.join(self.dir, "agents/example.yaml"), "w", encoding="utf-8") as f:
            f.write("name: Mine\n")
        proc = run("init", self.dir)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("agents/example.yaml", proc.stderr)
        self.assertNotIn("reconcile.yaml", proc.stderr)
        self.assertEqual(all_files(self.dir), ["agents/example.yaml"])
        self.assertEqual(read(os.path.join(self.dir, "agents/example.yaml")), "name: Mine\n")

    def test_current_directory_and_other_ci(self):
        os.makedirs(self.dir)
        proc = run("init", "--ci", "gitlab", cwd=self.dir)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(read(os.path.join(self.dir, ".gitlab-ci.yml")),
                         read(os.path.join(ROOT, "examples/ci/gitlab/.gitlab-ci.yml")))
        self.assertFalse(os.path.exists(os.path.join(self.dir, ".github")))
        other = os.path.join(self.tmp, "bare")
        self.assertEqual(run("init", "--ci", "none", other).returncode, 0)
        self.assertEqual(all_files(other), sorted(WRITTEN[:3]))
        by_repo = os.path.join(self.tmp, "by-repo")
        self.assertEqual(run("--repo", by_repo, "init", "--ci", "none").returncode, 0)
        self.assertEqual(all_files(by_repo), sorted(WRITTEN[:3]))


if __name__ == "__main__":
    unittest.main()
