// Reading agents and phone numbers out of API responses.
#include "reconcile/model/live_state.hpp"

namespace reconcile {

namespace {

// The string at `key`; empty when absent, null or not a string.
std::string text(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_string()) return {};
    return std::string(it->value().get_string());
}

// The `uuid` of every object inside an array, at any depth.
void drop_item_uuids(json::value& v) {
    if (auto* o = v.if_object()) {
        for (auto& kv : *o) drop_item_uuids(kv.value());
    } else if (auto* a = v.if_array()) {
        for (auto& item : *a) {
            drop_item_uuid(item);
            drop_item_uuids(item);
        }
    }
}

}  // namespace

void drop_item_uuid(json::value& item) {
    if (auto* o = item.if_object()) o->erase("uuid");
}

std::optional<LiveAgent> live_agent_from_json(const json::object& o) {
    json::object copy(o);
    return live_agent_from_page(copy);
}

std::optional<LiveAgent> live_agent_from_page(json::object& o) {
    std::string uuid = text(o, "agent_uuid");
    if (uuid.empty()) return std::nullopt;
    std::string name = text(o, "name");
    std::string updated_at = text(o, "updated_at");
    for (auto& kv : o) drop_item_uuids(kv.value());
    return LiveAgent{std::move(uuid), std::move(name), std::move(updated_at), o};
}

LiveAgent::LiveAgent(std::string agent_uuid, std::string agent_name, std::string updated, const json::object& object)
    : uuid(std::move(agent_uuid)), name(std::move(agent_name)), updated_at(std::move(updated)) {
    set_body(object);
}

json::object LiveAgent::body(json::storage_ptr sp) const {
    // The text was serialized from a JSON object, so it parses back into one.
    json::value v = json::parse(body_json(), std::move(sp));
    return std::move(v.as_object());
}

void LiveAgent::set_body(const json::object& object) {
    // Serialized into a buffer the thread reuses, then copied at its exact size into the
    // thread's slab: a workspace keeps 10,000 of these texts.
    thread_local std::string scratch;
    thread_local TextSlab slab;
    scratch.clear();
    json::serializer writer;
    writer.reset(&object);
    char chunk[16384];
    while (!writer.done()) scratch.append(writer.read(chunk));
    write_infinities_as_json(scratch);
    body_ = slab.store(scratch);
}

std::optional<PhoneNumber> phone_number_from_json(const json::object& o) {
    PhoneNumber number;
    number.uuid = text(o, "phone_number_uuid");
    if (number.uuid.empty()) return std::nullopt;
    number.number = text(o, "number");

    // bindings.call = {bound, agent_uuid, agent_name}. A null (or missing) agent_uuid means the
    // call channel is unbound whatever `bound` says; `bound: false` wins over a stale uuid.
    const json::object* call = nullptr;
    if (auto b = o.find("bindings"); b != o.end() && b->value().is_object()) {
        const auto& bindings = b->value().get_object();
        if (auto c = bindings.find("call"); c != bindings.end() && c->value().is_object())
            call = &c->value().get_object();
    }
    if (call) {
        const std::string agent_uuid = text(*call, "agent_uuid");
        bool bound = !agent_uuid.empty();
        if (auto f = call->find("bound"); f != call->end() && f->value().is_bool() &&
                                          !f->value().get_bool())
            bound = false;
        if (bound) {
            number.call_bound = true;
            number.call_agent_uuid = agent_uuid;
            number.call_agent_name = text(*call, "agent_name");
        }
    }
    number.status = text(o, "status");
    if (auto c = o.find("capabilities"); c != o.end() && c->value().is_object()) {
        const auto& caps = c->value().get_object();
        // The phone-number list says `voice`; the agent's phone_numbers view says `call`.
        for (const char* key : {"voice", "call"})
            if (auto* v = caps.if_contains(key); v && v->is_bool() && !v->get_bool()) number.voice_capable = false;
    }
    return number;
}

std::string PhoneNumber::unusable_for_calls() const {
    if (!voice_capable) return "it has no voice capability (capabilities.voice is false)";
    if (!status.empty() && status != "active") return "its status is \"" + status + "\", not \"active\"";
    return {};
}

}  // namespace reconcile
