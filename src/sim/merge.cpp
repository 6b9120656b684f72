#include "merge.hpp"

#include "laravel.hpp"

namespace mihu_sim {

namespace {

const json::object* child_defaults(const json::object* defaults, std::string_view key) {
    if (defaults == nullptr) return nullptr;
    auto* v = defaults->if_contains(key);
    return v && v->is_object() ? &v->get_object() : nullptr;
}

void finish_value(json::value& v, const FieldSpec& spec, UuidGenerator& uuids);

// The element with a uuid first (a fresh one unless it has one) and the list's element defaults
// for the keys it lacks.
void finish_item(json::value& item, const FieldSpec& list, UuidGenerator& uuids) {
    if (!item.is_object()) return;
    auto& o = item.get_object();
    if (list.item_uuid) {
        auto* existing = o.if_contains("uuid");
        json::object with_uuid;
        with_uuid["uuid"] = existing && existing->is_string() ? *existing : json::value(uuids.next());
        for (const auto& kv : o)
            if (kv.key() != "uuid") with_uuid[kv.key()] = kv.value();
        o = std::move(with_uuid);
    }
    for (const auto& kv : list.item_defaults)
        if (!o.contains(kv.key())) o[kv.key()] = kv.value();
}

void finish_value(json::value& v, const FieldSpec& spec, UuidGenerator& uuids) {
    if (spec.type == SpecType::List && v.is_array() && spec.item) {
        for (auto& item : v.get_array()) {
            finish_item(item, spec, uuids);
            finish_value(item, *spec.item, uuids);
        }
    } else if (spec.type == SpecType::Object && v.is_object()) {
        for (auto& kv : v.get_object())
            if (const FieldSpec* child = spec.field(kv.key())) finish_value(kv.value(), *child, uuids);
    }
}

}  // namespace

void apply_patch(json::object& stored, const json::object& sent, const FieldSpec* spec,
                 const json::object* defaults) {
    for (const auto& kv : sent) {
        const FieldSpec* child = spec ? spec->field(kv.key()) : nullptr;
        const json::object* child_def = child_defaults(defaults, kv.key());
        if (!kv.value().is_object()) {
            stored[kv.key()] = kv.value();
            continue;
        }
        auto* current = stored.if_contains(kv.key());
        bool replace = child && child->replace_on_patch;
        if (replace || current == nullptr || !current->is_object())
            stored[kv.key()] = replace && child_def ? *child_def : json::object{};
        apply_patch(stored[kv.key()].as_object(), kv.value().get_object(), child, child_def);
    }
}

void finish_agent(json::object& agent, const FieldSpec& spec, UuidGenerator& uuids) {
    json::value v(std::move(agent));
    finish_value(v, spec, uuids);
    numbers_to_double(v);
    agent = std::move(v.as_object());
}

}  // namespace mihu_sim
