"""A fleet of realistic agents for the benchmarks: N YAML documents (one file each, as a
repository keeps them) and the same N agents as a simulator seed.

Two sizes, both shaped like examples/agents/*.yaml and valid against schemas/agent.schema.json:
  large  ~9.5 KB of YAML: long prompts, full collections (guidelines, notes, procedures,
         training, routing rules, appointments with a schedule assignment);
  small  ~1.6 KB: a prompt-only agent with a few settings and two guidelines.

    python3 fleet.py OUT_DIR N large|small [--changed FIELD]

writes OUT_DIR/repo/{reconcile.yaml,agents/agent-NNNNN.yaml} and OUT_DIR/seed.json. With
--changed tone the live agents differ from git in `tone`, so a plan has N updates.
"""
import argparse
import json
import os
import uuid

NS = uuid.UUID("6f1c1d4e-8a1b-4c55-9a0e-3f3b5b9d2a10")


def agent_uuid(i):
    return str(uuid.uuid5(NS, f"agent-{i}"))


def sentence(i, k, words=18):
    vocab = ("customer vehicle appointment service warranty booking confirm plate date slot dealership "
             "manager callback reminder schedule repair estimate pickup delivery language politely clearly "
             "summary transfer human escalate policy hours weekend holiday parts labour inspection").split()
    return " ".join(vocab[(i * 7 + k * 13 + j * 5) % len(vocab)] for j in range(words)).capitalize() + "."


def paragraph(i, k, sentences):
    return " ".join(sentence(i, k * 31 + s) for s in range(sentences))


def large_agent(i):
    name = f"Fleet Agent {i:05d}"
    return {
        "name": name,
        "description": paragraph(i, 1, 2),
        "company_name": f"Dealer {i % 97}",
        "role": "Inbound service appointment scheduler. " + sentence(i, 2),
        "objective": paragraph(i, 3, 3),
        "tone": "Warm, professional, slightly formal. " + sentence(i, 4),
        "behavior_guidelines": "\n".join(paragraph(i, 5 + p, 2) for p in range(4)),
        "company_service": sentence(i, 11),
        "topic": sentence(i, 12, 10),
        "length_detail": "Keep replies under 25 words. One question at a time.",
        "negative_response": paragraph(i, 13, 2),
        "status": "ready",
        "language": "en",
        "speed": "normal",
        "timezone": "Europe/Rome",
        "appointment_scheduling_enabled": True,
        "appointment_scheduling_randomly": False,
        "settings": {
            "voice": {
                "interaction": {
                    "customer_speak_first": False,
                    "inbound_first_message": "Hi, this is Sara. " + sentence(i, 14, 12),
                    "outbound_first_message": sentence(i, 15, 20),
                    "voice_mail_message": sentence(i, 16, 24),
                    "end_call_message": "Thank you for calling, have a great day!",
                    "silence_message": "Are you still there?",
                    "max_silence_prompts": 3,
                },
                "interruption": {"mode": "balanced"},
                "voice_profile": {"language": "en", "voice_uuid": "ebeba3e0-89b5-4c94-9841-9555ab155dbc",
                                  "voice_name": "Giulia"},
                "call_behavior": {"audio_recording": True, "background_sound": True,
                                  "silence_timeout_seconds": 60, "max_call_duration_seconds": 1800,
                                  "max_call_duration_message": "We have reached the time limit. Goodbye!"},
                "compliance": {"eu_gdpr_compliance": True, "hipaa_compliance": False},
            },
        },
        "guidelines": [{"content": sentence(i, 20 + g, 16), "order": g} for g in range(6)],
        "notes": [{"content": paragraph(i, 30 + n, 2), "order": n} for n in range(3)],
        "procedures": [{
            "name": f"Procedure {p}",
            "description": sentence(i, 40 + p, 14),
            "steps": [{"order": s + 1, "description": sentence(i, 50 + p * 10 + s, 12),
                       "intent_uuid": "3c90c3cc-0d44-4b50-8888-8dd25736052a"} for s in range(3)],
        } for p in range(2)],
        "training": [{"content": sentence(i, 80 + t, 10), "intent": f"intent_{t}",
                      "response": paragraph(i, 90 + t, 2)} for t in range(3)],
        "appointments": {
            "enabled": True,
            "random_assignment": False,
            "schedule_assignments": [{
                "schedule_uuid": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
                "name": "Service Appointment",
                "description": sentence(i, 99, 20),
                "slot_rules": {"offer_slots_from": "3_hours", "book_slots_from": "6_hours",
                               "max_appointments_per_day": 10, "conflict_resolution_enabled": True,
                               "alternative_slots_count": 3, "suggestion_priority": "nearest",
                               "prefer_same_day": True, "prefer_same_time_slot": False,
                               "include_same_week": True},
            }],
        },
    }


def small_agent(i):
    return {
        "name": f"Fleet Agent {i:05d}",
        "description": sentence(i, 1, 20),
        "role": "Inbound receptionist.",
        "objective": paragraph(i, 3, 2),
        "tone": "Warm and brief.",
        "behavior_guidelines": paragraph(i, 5, 3),
        "status": "ready",
        "language": "en",
        "timezone": "Europe/Rome",
        "settings": {"voice": {"interaction": {"customer_speak_first": False,
                                               "inbound_first_message": "Hello, how can I help?",
                                               "max_silence_prompts": 3}}},
        "guidelines": [{"content": sentence(i, 20 + g, 14), "order": g} for g in range(2)],
    }


# -- a small block-style YAML writer (strings double-quoted, long text as literal blocks) ------
def scalar(v):
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    return json.dumps(v, ensure_ascii=False)


def emit(v, indent, out):
    pad = "  " * indent
    if isinstance(v, dict):
        for k, x in v.items():
            if isinstance(x, (dict, list)) and x:
                out.append(f"{pad}{k}:")
                emit(x, indent + 1, out)
            elif isinstance(x, str) and "\n" in x:
                out.append(f"{pad}{k}: |-")
                out.extend(f"{pad}  {line}" for line in x.split("\n"))
            else:
                out.append(f"{pad}{k}: {scalar(x)}")
    else:
        for x in v:
            if isinstance(x, dict):
                sub = []
                emit(x, indent + 1, sub)
                first = sub[0][len(pad) + 2:]
                out.append(f"{pad}- {first}")
                out.extend(sub[1:])
            else:
                out.append(f"{pad}- {scalar(x)}")


def to_yaml(agent):
    out = ["# A generated benchmark agent."]
    emit(agent, 0, out)
    return "\n".join(out) + "\n"


def write_fleet(out_dir, n, size, changed=None):
    make = large_agent if size == "large" else small_agent
    repo = os.path.join(out_dir, "repo")
    os.makedirs(os.path.join(repo, "agents"), exist_ok=True)
    with open(os.path.join(repo, "reconcile.yaml"), "w") as f:
        f.write("include:\n  - agents/**/*.yaml\n")
    seed = {"agents": [], "phone_numbers": []}
    total = 0
    for i in range(n):
        agent = make(i)
        text = to_yaml(agent)
        total += len(text.encode())
        with open(os.path.join(repo, "agents", f"agent-{i:05d}.yaml"), "w", encoding="utf-8") as f:
            f.write(text)
        live = dict(agent)
        live["agent_uuid"] = agent_uuid(i)
        if changed:
            live[changed] = "Changed behind git's back."
        seed["agents"].append(live)
    with open(os.path.join(out_dir, "seed.json"), "w", encoding="utf-8") as f:
        json.dump(seed, f, ensure_ascii=False)
    return total / max(1, n)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out_dir")
    p.add_argument("n", type=int)
    p.add_argument("size", choices=["large", "small"])
    p.add_argument("--changed")
    a = p.parse_args()
    mean = write_fleet(a.out_dir, a.n, a.size, a.changed)
    print(f"{a.n} agents, {mean / 1024:.1f} KB of YAML each")


if __name__ == "__main__":
    main()
