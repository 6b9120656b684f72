#include "store.hpp"

#include <algorithm>

namespace mihu_sim {

namespace {

const std::string kEmpty;

bool capable(const PhoneNumber& n, std::string_view capability) {
    auto* v = n.capabilities.if_contains(capability);
    return v && v->is_bool() && v->get_bool();
}

// The number as the agent's phone_numbers list shows it.
json::object number_for_agent(const PhoneNumber& n) {
    json::object p;
    p["phone_number_uuid"] = n.uuid;
    p["number"] = n.number;
    p["provider"] = "mihu";
    p["status"] = n.status;
    p["country_code"] = n.country_code;
    p["type"] = n.type;
    p["capabilities"] = json::object{{"call", capable(n, "voice")},
                                     {"sms", capable(n, "sms")},
                                     {"whatsapp", capable(n, "whatsapp")},
                                     {"whatsapp_call", capable(n, "whatsapp_call")}};
    return p;
}

json::object channel_entry(const PhoneNumber& n, const std::string& channel, const Binding& b) {
    json::object c;
    c["channel"] = channel;
    c["phone_number_uuid"] = n.uuid;
    c["number"] = n.number;
    if (channel == "call") c["call_setting_uuid"] = b.setting_uuid;
    return c;
}

}  // namespace

const json::object* Store::find(std::string_view uuid) const {
    auto it = by_uuid_.find(std::string(uuid));
    return it == by_uuid_.end() ? nullptr : &it->second->fields;
}

void Store::add(json::object agent) {
    auto a = std::make_unique<Agent>();
    std::string uuid(agent.at("agent_uuid").as_string());
    a->fields = std::move(agent);
    by_uuid_[uuid] = a.get();
    agents_.push_back(std::move(a));
}

void Store::replace(std::string_view uuid, json::object agent) {
    auto it = by_uuid_.find(std::string(uuid));
    if (it == by_uuid_.end()) return;
    it->second->fields = std::move(agent);
    it->second->cached = false;
}

bool Store::erase(std::string_view uuid) {
    auto it = by_uuid_.find(std::string(uuid));
    if (it == by_uuid_.end()) return false;
    Agent* a = it->second;
    by_uuid_.erase(it);
    std::erase_if(agents_, [a](const auto& p) { return p.get() == a; });
    for (auto& n : numbers_)
        std::erase_if(n.bindings, [&](const auto& kv) { return kv.second.agent_uuid == uuid; });
    return true;
}

PhoneNumber* Store::find_number(std::string_view uuid) {
    for (auto& n : numbers_)
        if (n.uuid == uuid) return &n;
    return nullptr;
}

const Binding& Store::bind(PhoneNumber& n, const std::string& channel, std::string agent_uuid,
                           std::string setting) {
    if (setting.empty() && channel == "call") setting = uuids_.next();
    if (auto old = n.bindings.find(channel); old != n.bindings.end()) invalidate(old->second.agent_uuid);
    invalidate(agent_uuid);
    n.bindings[channel] = Binding{std::move(agent_uuid), std::move(setting)};
    return n.bindings[channel];
}

void Store::invalidate(std::string_view uuid) {
    auto it = by_uuid_.find(std::string(uuid));
    if (it != by_uuid_.end()) it->second->cached = false;
}

json::object Store::render_fields(const json::object& stored) const {
    json::object a = stored;
    std::string_view uuid = stored.at("agent_uuid").get_string();
    json::array phone_numbers;
    json::array channels;
    for (const auto& n : numbers_) {
        bool any = false;
        for (const auto& [channel, b] : n.bindings) {
            if (b.agent_uuid != uuid) continue;
            any = true;
            channels.push_back(channel_entry(n, channel, b));
        }
        if (any) phone_numbers.push_back(number_for_agent(n));
    }
    a["phone_numbers"] = std::move(phone_numbers);
    a["channels"] = std::move(channels);
    return a;
}

const std::string& Store::text_of(const Agent& a) const {
    if (!a.cached) {
        a.text = json::serialize(render_fields(a.fields));
        a.cached = true;
        ++renders_;
    }
    return a.text;
}

const std::string& Store::rendered_text(std::string_view uuid) const {
    auto it = by_uuid_.find(std::string(uuid));
    return it == by_uuid_.end() ? kEmpty : text_of(*it->second);
}

const std::string& Store::rendered_text_at(std::size_t index) const {
    return text_of(*agents_.at(index));
}

json::object Store::render(std::string_view uuid) const {
    const json::object* a = find(uuid);
    return a ? render_fields(*a) : json::object{};
}

json::object Store::render_number(const PhoneNumber& n) const {
    json::object p;
    p["phone_number_uuid"] = n.uuid;
    p["number"] = n.number;
    p["country_code"] = n.country_code;
    p["type"] = n.type;
    p["status"] = n.status;
    p["capabilities"] = n.capabilities;
    json::object bindings;
    for (std::string_view channel : {"call", "sms", "whatsapp"}) {
        auto it = n.bindings.find(std::string(channel));
        const json::object* agent = it == n.bindings.end() ? nullptr : find(it->second.agent_uuid);
        json::object b;
        b["bound"] = agent != nullptr;
        b["agent_uuid"] = agent ? json::value(it->second.agent_uuid) : json::value(nullptr);
        b["agent_name"] = agent ? agent->at("name") : json::value(nullptr);
        bindings[channel] = std::move(b);
    }
    p["bindings"] = std::move(bindings);
    return p;
}

}  // namespace mihu_sim
