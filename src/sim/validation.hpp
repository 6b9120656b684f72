#pragma once
// Checks a (trimmed) request body against a contract spec, the way the live service's validator
// answers: the first problem found, naming the field ("settings.voice.interaction.x",
// "guidelines[0].content").
#include <boost/json.hpp>
#include <optional>
#include <string>

#include "contract.hpp"
#include "http_types.hpp"

namespace mihu_sim {

struct ValidationFailure {
    std::string field;    // "settings.voice.interaction.max_silence_prompts"
    std::string details;  // human-readable reason
};

// Types, enums, unknown fields ("The X field is not allowed."), read-only fields ("The X field
// is read-only.", item uuids included), and required fields at every depth.
std::optional<ValidationFailure> validate_body(const json::object& body, const FieldSpec& spec);

// 422 {"message": "The given data was invalid.", "error": {"code": "VALIDATION_ERROR",
// "details": ..., "field": ...}}
HttpResponse validation_error(const ValidationFailure& f);

}  // namespace mihu_sim
