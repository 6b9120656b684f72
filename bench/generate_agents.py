"""Writes N agent files of about 9 KB each (a long custom_prompt, notes, and the full
collections of an example agent) for timing `reconcile validate` on a large repository:

    python3 bench/generate_agents.py examples/agents/clinic-appointments.yaml /tmp/repo 10000
    /usr/bin/time -v build/reconcile --repo /tmp/repo validate
    /usr/bin/time -v build/bench/yaml_cpp_parse /tmp/repo/agents     # the reference
"""
import os, random, sys
src = open(sys.argv[1]).read()
out = sys.argv[2]
n = int(sys.argv[3])
os.makedirs(out + "/agents", exist_ok=True)
random.seed(7)
words = "the caller asks about booking moving cancelling visits schedules prices invoices insurance doctors departments confirm dates twice politely slowly calmly".split()
def para(k):
    return " ".join(random.choice(words) for _ in range(k))
body = src.split("\nname: ", 1)[1]
body = body.split("\n", 1)[1]  # drop the name line
for i in range(n):
    prompt = "\n".join("  " + para(14) for _ in range(28))
    notes = "\n".join(f"  - content: {para(12)}\n    order: {j}" for j in range(8))
    text = (f"name: Bench Agent {i:05d}\ncustom_prompt: |\n{prompt}\nnotes:\n{notes}\n" + body)
    with open(f"{out}/agents/agent-{i:05d}.yaml", "w") as f:
        f.write(text)
