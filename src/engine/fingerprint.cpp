#include "reconcile/engine/fingerprint.hpp"

#include "reconcile/engine/ignored_fields.hpp"
#include "reconcile/engine/normalize.hpp"
#include "reconcile/util/digest.hpp"

namespace reconcile {

std::string agent_fingerprint(const json::object& live_body, const Schema& schema,
                              const std::vector<std::string>& ignored) {
    // normalize() leaves out read-only fields (the live `channels` and `phone_numbers` views
    // of the bindings among them, which provisioning checks itself) and item uuids.
    json::value n = normalize(live_body, &schema.root());
    remove_matches(n, parse_field_patterns(ignored));
    // Keys sorted, null members dropped (a missing member counts as null), arrays in order,
    // numbers already canonical after normalize().
    return sha256_hex(canonical_json(n, CanonicalJsonOptions{.drop_null_members = true}));
}

}  // namespace reconcile
