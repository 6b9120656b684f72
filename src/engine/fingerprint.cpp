#include "reconcile/engine/fingerprint.hpp"

#include <algorithm>

#include "reconcile/engine/ignored_fields.hpp"
#include "reconcile/engine/normalize.hpp"
#include "reconcile/util/digest.hpp"

namespace reconcile {

namespace {

// Canonical text of a normalized value: object keys sorted, null members dropped (a missing
// member counts as null), arrays in order, numbers already canonical after normalize().
void canonical(std::string& out, const json::value& v) {
    switch (v.kind()) {
        case json::kind::object: {
            std::vector<const json::key_value_pair*> members;
            for (const auto& kv : v.get_object())
                if (!kv.value().is_null()) members.push_back(&kv);
            std::sort(members.begin(), members.end(),
                      [](const auto* a, const auto* b) { return a->key() < b->key(); });
            out += '{';
            bool first = true;
            for (const auto* kv : members) {
                if (!first) out += ',';
                first = false;
                out += json::serialize(json::value(kv->key()));
                out += ':';
                canonical(out, kv->value());
            }
            out += '}';
            return;
        }
        case json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& e : v.get_array()) {
                if (!first) out += ',';
                first = false;
                canonical(out, e);
            }
            out += ']';
            return;
        }
        default:
            out += json::serialize(v);
    }
}

}  // namespace

std::string agent_fingerprint(const json::object& live_body, const Schema& schema,
                              const std::vector<std::string>& ignored) {
    // normalize() leaves out read-only fields (the live `channels` and `phone_numbers` views
    // of the bindings among them, which provisioning checks itself) and item uuids.
    json::value n = normalize(json::value(live_body), &schema.root());
    remove_matches(n, parse_field_patterns(ignored));
    std::string text;
    canonical(text, n);
    return sha256_hex(text);
}

}  // namespace reconcile
