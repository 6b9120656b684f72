"""Editors and the tool agree: a real JSON Schema validator (python3-jsonschema, draft 2020-12)
reading YAML the way editors do (YAML 1.2, python3-ruamel.yaml) and `reconcile validate` give
the same verdict on the shipped examples (valid) and on documents with one mistake each
(invalid). Where YAML 1.1 and 1.2 read a scalar differently the two disagree by design; that is
shown, not hidden, in the last test."""
import glob
import os
import shutil
import subprocess
import tempfile
import textwrap
import unittest

from jsonschema import Draft202012Validator, validators
from ruamel.yaml import YAML

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RECONCILE = os.environ.get("RECONCILE_BIN", "reconcile")
SCHEMA_PATH = os.path.join(SOURCE_DIR, "schemas", "agent.schema.json")

# The schema's own annotation keywords: they change no verdict, and a strict validator must be
# told they exist (ajv: addKeyword). jsonschema ignores unknown keywords; declaring them keeps this
# test honest if it ever stops doing so.
CUSTOM_KEYWORDS = ("x-patch", "x-reconciler", "x-undocumented", "deprecationMessage")


def _annotation(validator, value, instance, schema):
    return iter(())


EditorValidator = validators.extend(Draft202012Validator, {k: _annotation for k in CUSTOM_KEYWORDS})


def load_schema():
    import json
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        return json.load(f)


def editor_errors(text):
    """What an editor shows: YAML 1.2 (the YAML language server's default) checked by the schema."""
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    docs = [d for d in yaml.load_all(text) if d is not None]
    validator = EditorValidator(load_schema())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for d in docs for e in validator.iter_errors(d)]


class Agreement(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        Draft202012Validator.check_schema(load_schema())

    def reconcile_validate(self, text, *extra):
        repo = tempfile.mkdtemp(prefix="reconcile-agree-")
        self.addCleanup(shutil.rmtree, repo, True)
        os.makedirs(os.path.join(repo, "agents"))
        with open(os.path.join(repo, "agents", "doc.yaml"), "w", encoding="utf-8") as f:
            f.write(text)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MIHU_")}
        return subprocess.run([RECONCILE, "--repo", repo, "validate", *extra], env=env, capture_output=True,
                              text=True, timeout=60, stdin=subprocess.DEVNULL)

    def test_every_shipped_example_is_valid_for_both(self):
        files = sorted(glob.glob(os.path.join(SOURCE_DIR, "examples", "agents", "**", "*.yaml"), recursive=True))
        self.assertGreaterEqual(len(files), 3)
        for path in files:
            with self.subTest(example=os.path.relpath(path, SOURCE_DIR)):
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                self.assertEqual(editor_errors(text), [])
                proc = self.reconcile_validate(text, "--strict")  # no error, no warning, no lint
                self.assertEqual(proc.returncode, 0, proc.stderr)
                self.assertEqual(proc.stderr, "")

    def test_the_environments_example_is_valid_for_both(self):
        # A base is a partial document (no `name`: the agents give it), so an editor checks it
        # against the schema without `required`; each agent document as written, and each
        # document merged with its bases and one environment's vars, against the whole schema.
        # The merge here is written from the rules in the schema's `extends` description.
        root = os.path.join(SOURCE_DIR, "examples", "environments")
        yaml = YAML(typ="safe", pure=True)
        yaml.version = (1, 2)

        def read(path):
            with open(path, encoding="utf-8") as f:
                return yaml.load(f)

        def merge(base, doc):
            if isinstance(base, dict) and isinstance(doc, dict):
                out = dict(base)
                for k, v in doc.items():
                    out[k] = merge(base[k], v) if k in base else v
                return out
            return doc

        def composed(path):
            doc = read(path)
            bases = doc.pop("extends", [])
            merged = {}
            for b in [bases] if isinstance(bases, str) else bases:
                merged = merge(merged, composed(os.path.normpath(os.path.join(os.path.dirname(path), b))))
            return merge(merged, doc)

        def substitute(value, variables):
            if isinstance(value, dict):
                return {k: substitute(v, variables) for k, v in value.items()}
            if isinstance(value, list):
                return [substitute(v, variables) for v in value]
            if isinstance(value, str):
                for name, text in variables.items():
                    value = value.replace("${var:" + name + "}", str(text))
                self.assertNotIn("${var:", value)
                return value
            return value

        schema = load_schema()
        partial = dict(schema)
        partial.pop("required")
        config = read(os.path.join(root, "reconcile.yaml"))
        bases = sorted(glob.glob(os.path.join(root, "bases", "*.yaml")))
        self.assertGreaterEqual(len(bases), 1)
        for path in bases:
            with self.subTest(base=os.path.relpath(path, SOURCE_DIR)):
                errors = [e.message for e in EditorValidator(partial).iter_errors(read(path))]
                self.assertEqual(errors, [])
        self.assertEqual(sorted(config["environments"]), ["prod", "staging"])
        for env, spec in config["environments"].items():
            files = [f for pattern in spec["include"] for f in glob.glob(os.path.join(root, pattern), recursive=True)]
            self.assertGreaterEqual(len(files), 2)
            for path in files:
                with self.subTest(environment=env, document=os.path.relpath(path, SOURCE_DIR)):
                    with open(path, encoding="utf-8") as f:
                        self.assertEqual(editor_errors(f.read()), [])
                    merged = substitute(composed(path), spec.get("vars", {}))
                    errors = [e.message for e in EditorValidator(schema).iter_errors(merged)]
                    self.assertEqual(errors, [])
        env = {k: v for k, v in os.environ.items() if not k.startswith("MIHU_") and k != "RECONCILE_ENV"}
        proc = subprocess.run([RECONCILE, "--repo", root, "validate", "--strict"], env=env, capture_output=True,
                              text=True, timeout=60, stdin=subprocess.DEVNULL)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, "")

    BAD = {
        "wrong enum": "name: A\nspeed: slow\n",
        "unknown field": "name: A\nlangauge: en\n",
        "read-only field": "name: A\nagent_uuid: 3c90c3cc-0d44-4b50-8888-8dd25736052a\n",
        "read-only item uuid": "name: A\nguidelines:\n  - uuid: g-1\n    content: Be brief.\n    order: 0\n",
        "both phone_number and phone_number_uuid": textwrap.dedent("""\
            name: A
            channels:
              call:
                phone_number: "+390701234567"
                phone_number_uuid: 3c90c3cc-0d44-4b50-8888-8dd25736052a
            """),
        "empty name": 'name: ""\n',
        "empty guideline": 'name: A\nguidelines:\n  - content: ""\n    order: 0\n',
        "probability above 1": textwrap.dedent("""\
            name: A
            settings:
              text:
                message_behavior:
                  second_message_behavior:
                    chance: 1.5
            """),
        "negative count": "name: A\nsettings: {voice: {interaction: {max_silence_prompts: -1}}}\n",
        "zero typing speed": "name: A\nsettings: {text: {timing_and_delay: {typing_speed_wpm_min: 0}}}\n",
        "phone number not E.164": 'name: A\nchannels: {call: {phone_number: "0701234567"}}\n',
        "language not a code": "name: A\nlanguage: english\n",
        "language in upper case": "name: A\nlanguage: EN\n",
        "guard rule without then_action": "name: A\nguard_rules:\n  - when_condition: lawyer\n",
        "wrong type": "name: A\nsettings: {voice: {interaction: {max_silence_prompts: three}}}\n",
    }

    def test_documents_with_one_mistake_are_invalid_for_both(self):
        for what, text in self.BAD.items():
            with self.subTest(mistake=what):
                self.assertNotEqual(editor_errors(text), [], "the editor finds nothing")
                proc = self.reconcile_validate(text)
                self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
                self.assertIn("agents/doc.yaml:", proc.stderr)
                self.assertIn(": error: ", proc.stderr)

    def test_yaml_1_1_readings_are_a_documented_disagreement(self):
        # reconcile types a scalar by the schema (YAML 1.1 spellings included); an editor reads
        # YAML 1.2, where an unquoted 0101 is the number 101. Hence the quotes in the examples.
        text = "name: A\nrouting_rules:\n  - destination: 0101\n"
        self.assertTrue(any("is not of type" in e for e in editor_errors(text)))
        self.assertEqual(self.reconcile_validate(text).returncode, 0)
        # `language: no` is the string "no" in YAML 1.2 and for reconcile: both accept it. An
        # editor set to YAML 1.1 reads false and reports a type error.
        self.assertEqual(editor_errors("name: A\nlanguage: no\n"), [])
        self.assertEqual(self.reconcile_validate("name: A\nlanguage: no\n").returncode, 0)
        # Editors check a time zone's form only; reconcile checks the name against tzdata.
        self.assertEqual(editor_errors("name: A\ntimezone: Europe/Roma\n"), [])
        self.assertEqual(self.reconcile_validate("name: A\ntimezone: Europe/Roma\n").returncode, 1)


if __name__ == "__main__":
    unittest.main()
