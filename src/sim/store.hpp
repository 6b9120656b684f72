#pragma once
// The simulated workspace's data: agents (in creation order) and phone numbers with their
// channel bindings, the fake clock and uuid stream, and the rendering of both as the API returns
// them. An agent's rendered JSON text is cached until the agent or its bindings change, so
// listing thousands of large agents is a concatenation of cached texts.
#include <boost/json.hpp>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fake_clock.hpp"
#include "uuid_generator.hpp"

namespace mihu_sim {

namespace json = boost::json;

struct Binding {
    std::string agent_uuid;
    std::string setting_uuid;  // call bindings: the call_setting_uuid
};

// A seed knob: provisioning this number's call channel has this outcome whatever the checks say.
struct ForcedProvisioning {
    bool success = false;
    std::string message;
};

struct PhoneNumber {
    std::string uuid;
    std::string number;
    json::value country_code;  // string or null
    std::string type = "local";
    std::string status = "active";
    json::object capabilities;
    std::map<std::string, Binding> bindings;  // "call", "sms", "whatsapp"
    std::optional<ForcedProvisioning> forced_provisioning;
};

class Store {
public:
    FakeClock& clock() { return clock_; }
    UuidGenerator& uuids() { return uuids_; }

    std::size_t agent_count() const { return agents_.size(); }
    // The stored fields (without the derived phone_numbers/channels contents), or nullptr.
    const json::object* find(std::string_view uuid) const;
    // Adds an agent whose "agent_uuid" is unique (the caller checked).
    void add(json::object agent);
    // Replaces an existing agent's stored fields and drops its cached rendering.
    void replace(std::string_view uuid, json::object agent);
    // Removes the agent and releases its phone-number bindings; false when unknown.
    bool erase(std::string_view uuid);

    PhoneNumber* find_number(std::string_view uuid);
    const std::vector<PhoneNumber>& numbers() const { return numbers_; }
    void add_number(PhoneNumber n) { numbers_.push_back(std::move(n)); }
    // Binds `channel` of the number to the agent; a call binding without a call_setting_uuid
    // gets a fresh one.
    const Binding& bind(PhoneNumber& n, const std::string& channel, std::string agent_uuid,
                        std::string setting_uuid = {});

    // The agent as the API returns it, as JSON text (cached) or as an object.
    const std::string& rendered_text(std::string_view uuid) const;
    json::object render(std::string_view uuid) const;
    // The rendered agent at position `index` in creation order.
    const std::string& rendered_text_at(std::size_t index) const;
    json::object render_number(const PhoneNumber& n) const;
    // How many agent renderings were computed (cache misses); for tests of the cache.
    std::size_t render_count() const { return renders_; }

private:
    struct Agent {
        json::object fields;
        mutable std::string text;
        mutable bool cached = false;
    };
    std::vector<std::unique_ptr<Agent>> agents_;  // creation order
    std::unordered_map<std::string, Agent*> by_uuid_;
    std::vector<PhoneNumber> numbers_;
    FakeClock clock_;
    UuidGenerator uuids_;
    mutable std::size_t renders_ = 0;

    void invalidate(std::string_view uuid);
    const std::string& text_of(const Agent& a) const;
    json::object render_fields(const json::object& stored) const;
};

}  // namespace mihu_sim
