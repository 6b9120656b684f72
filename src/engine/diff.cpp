#include "reconcile/engine/diff.hpp"

#include "reconcile/engine/normalize.hpp"

namespace reconcile {

json::value writable_copy(const json::value& v, const SchemaNode* node) {
    // The live service may answer 10 as 10.0; an integer field is sent as an integer.
    if (v.is_double() && node && node->allows(JsonType::Integer) && !node->allows(JsonType::Number) &&
        whole_in_int64(v.get_double()))
        return json::value(static_cast<std::int64_t>(v.get_double()));
    if (v.is_object()) {
        json::object out;
        for (const auto& kv : v.get_object()) {
            const SchemaNode* child = node ? node->property(kv.key()) : nullptr;
            if (!is_api_field(child)) continue;
            out.emplace(kv.key(), writable_copy(kv.value(), child));
        }
        return out;
    }
    if (v.is_array()) {
        const SchemaNode* item = node && node->items ? node->items.get() : nullptr;
        json::array out;
        out.reserve(v.get_array().size());
        for (const auto& e : v.get_array()) {
            auto c = writable_copy(e, item);
            drop_item_uuid(c);
            out.push_back(std::move(c));
        }
        return out;
    }
    return v;
}

namespace {

const json::value kNull{};

bool has_object_items(const json::value& v) {
    if (!v.is_array()) return false;
    for (const auto& e : v.get_array())
        if (e.is_object()) return true;
    return false;
}

const json::object* as_object(const json::value& v) { return v.is_object() ? &v.get_object() : nullptr; }

// `base` with `top` laid over it: objects merge member by member, anything else in `top` wins.
void overlay(json::value& base, const json::value& top) {
    if (!base.is_object() || !top.is_object()) {
        base = top;
        return;
    }
    auto& b = base.get_object();
    for (const auto& kv : top.get_object()) {
        if (auto* existing = b.if_contains(kv.key())) overlay(*existing, kv.value());
        else b.emplace(kv.key(), kv.value());
    }
}

struct Differ {
    AgentDiff& out;

    void add_change(const std::string& pointer, json::value before, json::value after, bool collection) {
        out.changes.push_back(FieldChange{pointer_to_display(pointer), std::move(before), std::move(after), collection});
        out.change_pointers.push_back(pointer);
    }

    // Compares the members `desired` gives against `live_obj` (nullptr: the live value is not
    // an object, so every member counts as null). Writes the minimal body into `patch` when
    // non-null.
    void object(const json::object& desired, const json::object* live_obj, const SchemaNode* node,
                const std::string& pointer, json::object* patch) {
        for (const auto& kv : desired) {
            const SchemaNode* child = node ? node->property(kv.key()) : nullptr;
            if (!is_api_field(child)) continue;  // never compared, never sent
            const json::value& dv = kv.value();
            const json::value* lp = live_obj ? live_obj->if_contains(kv.key()) : nullptr;
            const json::value& lv = lp ? *lp : kNull;
            const std::string p = pointer_append(pointer, kv.key());

            if (dv.is_object()) {
                if (child && child->patch == PatchMode::Replace) {
                    if (normalized_matches(dv, lv, child)) continue;
                    auto nd = normalize(dv, child);
                    auto nl = normalize(lv, child);
                    auto before = out.changes.size();
                    object(dv.get_object(), as_object(lv), child, p, nullptr);  // leaf changes, for display
                    if (out.changes.size() == before) add_change(p, std::move(nl), std::move(nd), false);
                    if (patch) {
                        patch->insert_or_assign(kv.key(), writable_copy(dv, child));
                        out.notes.push_back(pointer_to_display(p) +
                                            " is sent whole: the API replaces this object, so fields not "
                                            "given in it return to the API's defaults");
                    }
                } else if (child && child->patch == PatchMode::Whole) {
                    json::object sub;
                    object(dv.get_object(), as_object(lv), child, p, patch ? &sub : nullptr);
                    if (patch && !sub.empty()) {
                        json::value whole = lv.is_object() ? writable_copy(lv, child) : json::value(json::object{});
                        overlay(whole, writable_copy(dv, child));
                        patch->insert_or_assign(kv.key(), std::move(whole));
                        out.notes.push_back(pointer_to_display(p) +
                                            " is sent whole (live values for the fields the document leaves "
                                            "out): the API documentation does not say whether it is merged "
                                            "or replaced");
                    }
                } else {
                    json::object sub;
                    object(dv.get_object(), as_object(lv), child, p, patch ? &sub : nullptr);
                    if (patch && !sub.empty()) patch->insert_or_assign(kv.key(), std::move(sub));
                }
                continue;
            }

            if (normalized_matches(dv, lv, child)) continue;  // allocates nothing
            auto nd = normalize(dv, child);
            auto nl = normalize(lv, child);
            if (dv.is_array()) {
                // The API replaces an array whole: send the desired one.
                bool objects = has_object_items(nd);
                add_change(p, std::move(nl), std::move(nd), true);
                if (patch) {
                    patch->insert_or_assign(kv.key(), writable_copy(dv, child));
                    out.replaced_collections.push_back(pointer_to_display(p));
                    if (objects)
                        out.notes.push_back(pointer_to_display(p) +
                                            " is sent whole: the API replaces the collection, so fields "
                                            "not given in its items return to the API's defaults");
                }
            } else {
                add_change(p, std::move(nl), std::move(nd), false);
                if (patch) patch->insert_or_assign(kv.key(), dv);
            }
        }
    }
};

}  // namespace

AgentDiff diff_agent(const json::object& desired, const json::object& live, const Schema& schema) {
    AgentDiff out;
    Differ d{out};
    d.object(desired, &live, &schema.root(), "", &out.patch);
    return out;
}

}  // namespace reconcile
