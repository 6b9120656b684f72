"""Hostile YAML in a pull request: each repository below must make `reconcile validate` and
`reconcile plan` stop quickly with exit code 1 and an error naming the file (and the line where
there is one), and plan must send nothing to the API."""
import os
import re
import time
import unittest

from harness import SimCase

QUICK = 10.0  # seconds; each case takes well under one


def billion_laughs():
    lines = ["name: Laughing Agent", "settings:", "  voice:", "    normalizers:", "      inbound:",
             '        a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        lines.append(f"        {cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    return "\n".join(lines) + "\n"


class HostileYaml(SimCase):
    def check_refused(self, pattern, forbidden=()):
        """validate, plan and apply all exit 1 within QUICK seconds with `pattern` in their output."""
        for command in (["validate"], ["plan"], ["apply", "--auto-approve"]):
            with self.subTest(command[0]):
                start = time.monotonic()
                proc = self.run_reconcile(*command, check=1)
                elapsed = time.monotonic() - start
                output = proc.stdout + proc.stderr
                self.assertRegex(output, pattern)
                self.assertLess(elapsed, QUICK)
                for text in forbidden:
                    self.assertNotIn(text, output)
        # plan reads the live agents while the documents load (reads change nothing); a broken
        # repository must never lead to a write.
        writes = [r for r in self.api_requests() if r["method"] != "GET"]
        self.assertEqual(writes, [], "a broken repository must change nothing remote")

    def write_bytes(self, relpath, data):
        path = os.path.join(self.repo, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def test_billion_laughs(self):
        self.write("agents/laughs.yaml", billion_laughs())
        self.check_refused(r"agents/laughs\.yaml:1:1: error: document expands to more than 1000000 nodes")

    def test_deep_nesting(self):
        self.write("agents/deep.yaml", "name: Deep\nsettings: {voice: {normalizers: {inbound: {x: "
                   + "[" * 20000 + "]" * 20000 + "}}}}\n")
        self.check_refused(r"agents/deep\.yaml:2:\d+: error: `settings\.voice\.normalizers\.inbound\.x\[0\].*"
                           r"nesting deeper than 64 levels")

    def test_file_over_the_size_limit(self):
        self.write("agents/big.yaml", "name: Big\ncustom_prompt: " + "x" * (5 * 1024 * 1024) + "\n")
        self.check_refused(r"agents/big\.yaml: error: file is 5 MiB, over the 4 MiB limit")

    def test_symlink_to_a_file_outside_the_repository(self):
        os.symlink("/etc/passwd", os.path.join(self.repo, "agents", "passwd.yaml"))
        self.check_refused(r"agents/passwd\.yaml: error: a symbolic link to a file outside the repository",
                           forbidden=("root:",))

    def test_reconcile_yaml_linked_outside(self):
        os.symlink("/etc/passwd", os.path.join(self.repo, "reconcile.yaml"))
        self.write("agents/a.yaml", "name: A\n")
        self.check_refused(r"reconcile\.yaml: error: a symbolic link to a file outside the repository",
                           forbidden=("root:",))

    def test_fifo_does_not_block(self):
        os.mkfifo(os.path.join(self.repo, "agents", "pipe.yaml"))
        self.write("agents/a.yaml", "name: A\n")
        self.check_refused(r"agents/pipe\.yaml: error: cannot read file: a FIFO, not a regular file")

    def test_invalid_utf8(self):
        self.write_bytes("agents/latin1.yaml", b"name: Caf\xe9 Agent\ntone: warm\n")
        self.check_refused(r"agents/latin1\.yaml:1:10: error: malformed YAML: the text is not valid UTF-8")

    def test_duplicate_keys(self):
        self.write("agents/dup.yaml", "name: Dup\ntone: warm\ntone: cold\n")
        self.check_refused(r"agents/dup\.yaml:3:1: error: duplicate key `tone`; first written at "
                           r"agents/dup\.yaml:2:1")

    def test_unsupported_tag(self):
        self.write("agents/tag.yaml", "name: Tagged\ntone: !!python/object:os.system echo\n")
        self.check_refused(r"agents/tag\.yaml:2:\d+: error: `tone`: tag `[^`]+` is not supported")

    def test_malformed_yaml(self):
        self.write("agents/broken.yaml", "name: Broken\ntone: \"unterminated\n")
        self.check_refused(r"agents/broken\.yaml:\d+:\d+: error: malformed YAML: ")

    def test_an_unterminated_quote_is_refused_where_it_starts(self):
        # A lenient parser reads every later field into the prompt.
        self.write("agents/quote.yaml", 'name: Quote\nrole: "Book appointments\ntone: warm\n')
        self.check_refused(r"agents/quote\.yaml:2:7: error: malformed YAML: ")

    def test_inputs_that_hung_the_old_parser(self):
        for i, text in enumerate(["&a ,", "!t ,", '"""",', "&a x\n?\n", "name: x\n---\n&a x\n? y\n"]):
            with self.subTest(text=text):
                for f in os.listdir(os.path.join(self.repo, "agents")):
                    os.remove(os.path.join(self.repo, "agents", f))
                self.write(f"agents/h{i}.yaml", text)
                self.check_refused(rf"agents/h{i}\.yaml:\d+:\d+: error: ")


if __name__ == "__main__":
    unittest.main()
