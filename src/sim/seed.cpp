#include "seed.hpp"

#include <array>
#include <optional>
#include <utility>

#include "merge.hpp"

namespace mihu_sim {

namespace {

using Result = std::expected<void, std::string>;

std::optional<std::string> country_for(std::string_view number) {
    static const std::array<std::pair<std::string_view, std::string_view>, 14> prefixes = {{
        {"+39", "IT"}, {"+44", "GB"}, {"+49", "DE"}, {"+33", "FR"}, {"+34", "ES"},
        {"+90", "TR"}, {"+31", "NL"}, {"+41", "CH"}, {"+43", "AT"}, {"+32", "BE"},
        {"+351", "PT"}, {"+353", "IE"}, {"+61", "AU"}, {"+1", "US"},
    }};
    for (const auto& [p, c] : prefixes)
        if (number.starts_with(p)) return std::string(c);
    return std::nullopt;
}

// Reads an optional string field into `out`; an error when present but not a string.
Result optional_string(const json::object& o, std::string_view key, const std::string& where,
                       std::string& out) {
    auto* v = o.if_contains(key);
    if (v == nullptr) return {};
    if (!v->is_string()) return std::unexpected(where + "." + std::string(key) + " must be a string");
    out = std::string(v->get_string());
    return {};
}

Result load_agent(const json::value& entry, const std::string& where, Store& store,
                  const Contract& contract) {
    if (!entry.is_object()) return std::unexpected(where + " must be an object");
    json::object fields = entry.get_object();
    std::string uuid, created, updated;
    for (auto [key, out] : {std::pair{"agent_uuid", &uuid}, std::pair{"created_at", &created},
                            std::pair{"updated_at", &updated}})
        if (auto r = optional_string(fields, key, where, *out); !r) return r;
    if (uuid.empty()) uuid = store.uuids().next();
    if (store.find(uuid)) return std::unexpected(where + ": duplicate agent_uuid " + uuid);
    if (created.empty()) created = store.clock().tick();
    if (updated.empty()) updated = created;
    for (auto key : {"agent_uuid", "created_at", "updated_at", "phone_numbers", "channels"})
        fields.erase(key);

    json::object agent = contract.agent_defaults();
    agent["agent_uuid"] = uuid;
    agent["created_at"] = created;
    agent["updated_at"] = updated;
    apply_patch(agent, fields, &contract.agent(), &contract.agent_defaults());
    finish_agent(agent, contract.agent(), store.uuids());
    store.add(std::move(agent));
    return {};
}

Result load_binding(const std::string& channel, const json::value& v, const std::string& where,
                    Store& store, PhoneNumber& n) {
    if (channel != "call" && channel != "sms" && channel != "whatsapp")
        return std::unexpected(where + ": unknown channel");
    if (v.is_null()) return {};
    if (!v.is_object()) return std::unexpected(where + " must be an object");
    const auto& o = v.get_object();
    auto* agent = o.if_contains("agent_uuid");
    if (agent == nullptr || agent->is_null()) return {};  // unbound
    if (!agent->is_string()) return std::unexpected(where + ".agent_uuid must be a string");
    if (!store.find(agent->get_string()))
        return std::unexpected(where + ": unknown agent " + std::string(agent->get_string()));
    std::string setting;
    if (auto r = optional_string(o, "call_setting_uuid", where, setting); !r) return r;
    store.bind(n, channel, std::string(agent->get_string()), std::move(setting));
    return {};
}

Result load_forced_provisioning(const json::value& v, const std::string& where, PhoneNumber& n) {
    if (!v.is_object()) return std::unexpected(where + " must be an object");
    const auto& o = v.get_object();
    auto* success = o.if_contains("success");
    if (success == nullptr || !success->is_bool())
        return std::unexpected(where + ".success must be a boolean");
    ForcedProvisioning forced{success->get_bool(), {}};
    if (auto r = optional_string(o, "message", where, forced.message); !r) return r;
    if (forced.message.empty())
        forced.message = forced.success ? "Call channel provisioned" : "Provisioning failed";
    n.forced_provisioning = std::move(forced);
    return {};
}

Result load_number_fields(const json::object& o, const std::string& where, PhoneNumber& n) {
    if (auto r = optional_string(o, "type", where, n.type); !r) return r;
    if (auto r = optional_string(o, "status", where, n.status); !r) return r;
    if (auto cc = country_for(n.number)) n.country_code = *cc;
    if (auto* cc = o.if_contains("country_code")) n.country_code = *cc;
    n.capabilities = json::object{{"voice", true}, {"sms", true}, {"mms", false},
                                  {"fax", false}, {"emergency", true}, {"local_calling", true}};
    if (auto* c = o.if_contains("capabilities")) {
        if (!c->is_object()) return std::unexpected(where + ".capabilities must be an object");
        for (const auto& kv : c->get_object()) n.capabilities[kv.key()] = kv.value();
    }
    if (auto* p = o.if_contains("provisioning"))
        return load_forced_provisioning(*p, where + ".provisioning", n);
    return {};
}

Result load_number(const json::value& entry, const std::string& where, Store& store) {
    if (!entry.is_object()) return std::unexpected(where + " must be an object");
    const auto& o = entry.get_object();
    PhoneNumber n;
    auto* num = o.if_contains("number");
    if (!num || !num->is_string()) return std::unexpected(where + ".number must be a string");
    n.number = std::string(num->get_string());
    if (auto r = optional_string(o, "phone_number_uuid", where, n.uuid); !r) return r;
    if (n.uuid.empty()) n.uuid = store.uuids().next();
    if (store.find_number(n.uuid)) return std::unexpected(where + ": duplicate phone_number_uuid");
    if (auto r = load_number_fields(o, where, n); !r) return r;
    if (auto* b = o.if_contains("bindings")) {
        if (!b->is_object()) return std::unexpected(where + ".bindings must be an object");
        for (const auto& kv : b->get_object()) {
            std::string channel(kv.key());
            auto r = load_binding(channel, kv.value(), where + ".bindings." + channel, store, n);
            if (!r) return r;
        }
    }
    store.add_number(std::move(n));
    return {};
}

template <typename Load>
Result load_list(const json::object& doc, std::string_view key, Load load) {
    auto* list = doc.if_contains(key);
    if (list == nullptr) return {};
    if (!list->is_array()) return std::unexpected("seed: \"" + std::string(key) + "\" must be an array");
    std::size_t i = 0;
    for (const auto& entry : list->get_array()) {
        std::string where = "seed: " + std::string(key) + "[" + std::to_string(i++) + "]";
        if (auto r = load(entry, where); !r) return r;
    }
    return {};
}

}  // namespace

std::expected<Store, std::string> load_seed(const json::value& seed, const Contract& contract) {
    if (!seed.is_object()) return std::unexpected("seed: the document must be a JSON object");
    const auto& doc = seed.get_object();
    Store store;
    auto agents = load_list(doc, "agents", [&](const json::value& e, const std::string& where) {
        return load_agent(e, where, store, contract);
    });
    if (!agents) return std::unexpected(agents.error());
    auto numbers = load_list(doc, "phone_numbers", [&](const json::value& e, const std::string& w) {
        return load_number(e, w, store);
    });
    if (!numbers) return std::unexpected(numbers.error());
    return store;
}

}  // namespace mihu_sim
