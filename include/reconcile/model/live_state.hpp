#pragma once
// What the workspace holds, as read from the API.
#include <optional>
#include <string>
#include <vector>

#include "reconcile/util/json.hpp"
#include "reconcile/util/text_slab.hpp"

namespace reconcile {

struct LiveAgent {
    std::string uuid;        // agent_uuid
    std::string name;
    std::string updated_at;

    LiveAgent() = default;
    LiveAgent(std::string agent_uuid, std::string agent_name, std::string updated, const json::object& object);

    // The agent object as the API returned it, without its collection items' `uuid`s (see
    // drop_item_uuid), parsed anew on each call: keep the result while it is needed. `sp`
    // lets a caller parse into an arena it drops afterwards.
    json::object body(json::storage_ptr sp = {}) const;
    void set_body(const json::object& object);
    // The same object as compact JSON text.
    std::string_view body_json() const { return body_.text.empty() ? std::string_view("{}") : body_.text; }

private:
    // Kept as text: a parsed tree takes about 1.7 times the text, and a plan holds every live
    // agent of the workspace at once while it is compared one agent at a time. The texts of
    // the agents a thread reads share large blocks (util/text_slab).
    SlabText body_;
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

// Collection items carry server-assigned `uuid`s; they identify nothing the configuration
// manages, so they are dropped from items before comparing, sending or exporting, and a
// LiveAgent does not keep them (a large agent has a few dozen).
void drop_item_uuid(json::value& item);

// Parse one agent object / phone number object from an API response. nullopt if the object
// lacks its identifier.
std::optional<LiveAgent> live_agent_from_json(const json::object& o);
// The same, dropping the items' `uuid`s from `o` itself (a page's tree, dropped afterwards).
std::optional<LiveAgent> live_agent_from_page(json::object& o);
std::optional<PhoneNumber> phone_number_from_json(const json::object& o);

}  // namespace reconcile
