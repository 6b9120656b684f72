#pragma once
// How a sent body changes a stored agent, by the contract: objects merge key by key at every
// depth unless their spec says "$merge": "replace" (then the object starts again from its
// defaults); lists and scalars replace. Then every collection element gets its uuid and the
// element defaults, and every number becomes a float, as the live service returns them.
#include <boost/json.hpp>

#include "contract.hpp"
#include "uuid_generator.hpp"

namespace mihu_sim {

namespace json = boost::json;

// Applies `sent` onto `stored`. `spec` may be null (no knowledge: plain deep merge);
// `defaults` (may be null) is the defaults object at the same depth, used by replace.
void apply_patch(json::object& stored, const json::object& sent, const FieldSpec* spec,
                 const json::object* defaults);

// Item uuids (first key of each element, kept when present), element defaults, and numbers as
// doubles, everywhere the spec describes.
void finish_agent(json::object& agent, const FieldSpec& spec, UuidGenerator& uuids);

}  // namespace mihu_sim
