#pragma once
// What the workspace holds, as read from the API.
#include <optional>
#include <string>
#include <vector>

#include "reconcile/util/json.hpp"

namespace reconcile {

struct LiveAgent {
    std::string uuid;        // agent_uuid
    std::string name;
    std::string updated_at;
    json::object body;       // the agent object exactly as the API returned it
};

struct PhoneNumber {
    std::string uuid;        // phone_number_uuid
    std::string number;      // E.164
    bool call_bound = false;
    std::string call_agent_uuid;
    std::string call_agent_name;
    std::string status;            // "active" when it can be used; "" when the API did not say
    bool voice_capable = true;     // capabilities.voice (false only when the API says so)

    // Why the number cannot take calls, or "" when it can.
    std::string unusable_for_calls() const;
};

struct LiveState {
    std::vector<LiveAgent> agents;
    std::vector<PhoneNumber> phone_numbers;
    bool phone_numbers_loaded = false;
};

// Parse one agent object / phone number object from an API response. nullopt if the object
// lacks its identifier.
std::optional<LiveAgent> live_agent_from_json(const json::object& o);
// The same, taking the body without copying it.
std::optional<LiveAgent> live_agent_from_json(json::object&& o);
std::optional<PhoneNumber> phone_number_from_json(const json::object& o);

}  // namespace reconcile
