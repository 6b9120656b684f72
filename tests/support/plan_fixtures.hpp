#pragma once
// Shared fixtures for the normalize / diff / planner / render tests: a small agent schema (so
// these tests do not move when schemas/agent.schema.json grows) and builders.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "reconcile/model/desired_state.hpp"
#include "reconcile/util/json.hpp"
#include "reconcile/model/live_state.hpp"
#include "reconcile/model/schema.hpp"

namespace reconcile::testing {

inline constexpr std::string_view kTestSchema = R"({
  "type": "object",
  "$defs": {
    "item_uuid": {"type": "string", "readOnly": true},
    "ordered_text": {
      "type": "object",
      "properties": {
        "uuid": {"$ref": "#/$defs/item_uuid"},
        "content": {"type": "string"},
        "order": {"type": "integer"}
      }
    }
  },
  "properties": {
    "uuid": {"type": "string", "x-reconciler": true},
    "channels": {"type": "object", "x-reconciler": true,
                 "properties": {"call": {"type": "object", "properties": {"phone_number": {"type": "string"}}}}},
    "agent_uuid": {"type": "string", "readOnly": true},
    "name": {"type": "string"},
    "description": {"type": ["string", "null"]},
    "objective": {"type": ["string", "null"]},
    "tone": {"type": ["string", "null"]},
    "language": {"type": ["string", "null"]},
    "status": {"type": ["string", "null"], "enum": ["pending", "ready", "paused"]},
    "recommendations": {"type": ["string", "null"], "readOnly": true},
    "settings": {
      "type": "object",
      "properties": {
        "voice": {
          "type": "object",
          "properties": {
            "interaction": {
              "type": "object",
              "properties": {
                "customer_speak_first": {"type": "boolean"},
                "inbound_first_message": {"type": ["string", "null"]},
                "max_silence_prompts": {"type": "integer"}
              }
            },
            "voice_profile": {
              "type": "object",
              "x-patch": "replace",
              "properties": {
                "language": {"type": ["string", "null"]},
                "voice_uuid": {"type": ["string", "null"]},
                "voice_name": {"type": ["string", "null"]}
              }
            }
          }
        },
        "text": {
          "type": "object",
          "properties": {
            "timing_and_delay": {
              "type": "object",
              "properties": {
                "base_delay": {"type": "number"},
                "pause_before_reply": {"type": "number"}
              }
            }
          }
        },
        "memorize": {"type": "object", "readOnly": true}
      }
    },
    "guidelines": {"type": "array", "items": {"$ref": "#/$defs/ordered_text"}},
    "notes": {"type": "array", "items": {"$ref": "#/$defs/ordered_text"}},
    "routing_rules": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "uuid": {"$ref": "#/$defs/item_uuid"},
          "trigger_keyword": {"type": ["string", "null"]},
          "phrases": {"type": "array", "items": {"type": "string"}},
          "priority": {"type": "integer"},
          "is_active": {"type": "boolean"}
        }
      }
    },
    "intents": {"type": "array", "readOnly": true},
    "appointments": {
      "type": "object",
      "x-patch": "whole",
      "properties": {
        "enabled": {"type": "boolean"},
        "random_assignment": {"type": "boolean"},
        "schedule_assignments": {
          "type": "array",
          "items": {"type": "object", "properties": {
            "uuid": {"$ref": "#/$defs/item_uuid"},
            "schedule_uuid": {"type": "string"},
            "slot_rules": {"type": "object", "properties": {"max_appointments_per_day": {"type": "integer"}}}}}
        }
      }
    },
    "created_at": {"type": "string", "readOnly": true},
    "updated_at": {"type": "string", "readOnly": true}
  }
})";

inline const Schema& test_schema() {
    static const Schema schema = [] {
        auto s = Schema::parse(kTestSchema);
        REQUIRE_MESSAGE(s.has_value(), (s ? std::string() : s.error()));
        return *s;
    }();
    return schema;
}

inline json::value parse_json(std::string_view text) {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    REQUIRE_MESSAGE(!ec, "test JSON does not parse: " << text);
    return v;
}

inline json::object parse_object(std::string_view text) {
    auto v = parse_json(text);
    REQUIRE(v.is_object());
    return v.get_object();
}

inline DesiredAgent desired_agent(std::string name, std::string_view body_json, std::string file = "agents.yaml",
                                  int line = 1) {
    DesiredAgent d;
    d.name = std::move(name);
    d.body = parse_object(body_json);
    d.where = SourceLocation{file, line, 1};
    d.locations[""] = d.where;
    return d;
}

inline LiveAgent live_agent(std::string uuid, std::string name, std::string_view extra_json = "{}",
                            std::string updated_at = "2024-05-01T10:00:00Z") {
    json::object body;
    body.emplace("agent_uuid", uuid);
    body.emplace("name", name);
    for (const auto& kv : parse_object(extra_json)) body.insert_or_assign(kv.key(), kv.value());
    body.insert_or_assign("updated_at", updated_at);
    return LiveAgent{uuid, name, updated_at, body};
}

inline PhoneNumber phone(std::string uuid, std::string number, std::string bound_uuid = "",
                         std::string bound_name = "") {
    PhoneNumber p;
    p.uuid = std::move(uuid);
    p.number = std::move(number);
    p.call_bound = !bound_uuid.empty();
    p.call_agent_uuid = std::move(bound_uuid);
    p.call_agent_name = std::move(bound_name);
    return p;
}

inline std::string js(const json::value& v) { return json::serialize(v); }

}  // namespace reconcile::testing
