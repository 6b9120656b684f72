#include "validation.hpp"

#include <algorithm>
#include <cmath>

namespace mihu_sim {

namespace {

using Failure = std::optional<ValidationFailure>;

std::string join_field(const std::string& parent, std::string_view key) {
    if (parent.empty()) return std::string(key);
    return parent + "." + std::string(key);
}

bool is_integral(const json::value& v) {
    if (v.is_int64() || v.is_uint64()) return true;
    if (!v.is_double()) return false;
    double d = v.get_double();
    return std::isfinite(d) && std::floor(d) == d;
}

bool type_ok(const json::value& v, const FieldSpec& spec) {
    switch (spec.type) {
        case SpecType::String: return v.is_string();
        case SpecType::Integer: return is_integral(v);
        case SpecType::Number: return v.is_number();
        case SpecType::Boolean: return v.is_bool();
        case SpecType::FreeObject:
        case SpecType::Object: return v.is_object();
        case SpecType::List: return v.is_array();
        case SpecType::Enum: return v.is_string();
        case SpecType::ReadOnly: return false;
    }
    return false;
}

Failure fail(const std::string& field, std::string details) {
    return ValidationFailure{field, std::move(details)};
}

Failure check_value(const json::value& v, const FieldSpec& spec, const std::string& field);

Failure check_fields(const json::object& o, const FieldSpec& spec, const std::string& field,
                     bool has_item_uuid) {
    for (const auto& kv : o) {
        std::string child_field = join_field(field, kv.key());
        const FieldSpec* child = spec.field(kv.key());
        bool item_uuid = has_item_uuid && kv.key() == "uuid";
        if (item_uuid || (child && child->type == SpecType::ReadOnly))
            return fail(child_field, "The " + child_field + " field is read-only.");
        if (child == nullptr)
            return fail(child_field, "The " + child_field + " field is not allowed.");
        if (auto f = check_value(kv.value(), *child, child_field)) return f;
    }
    for (const auto& f : spec.fields) {
        if (!f.required) continue;
        auto* v = o.if_contains(f.name);
        std::string rf = join_field(field, f.name);
        if (v == nullptr || v->is_null()) return fail(rf, "The " + rf + " field is required.");
    }
    return std::nullopt;
}

Failure check_list(const json::array& a, const FieldSpec& spec, const std::string& field) {
    for (std::size_t i = 0; i < a.size(); ++i) {
        std::string item_field = field + "[" + std::to_string(i) + "]";
        const FieldSpec& item = *spec.item;
        if (item.type == SpecType::Object && a[i].is_object()) {
            if (auto f = check_fields(a[i].get_object(), item, item_field, spec.item_uuid)) return f;
        } else if (auto f = check_value(a[i], item, item_field)) {
            return f;
        }
    }
    return std::nullopt;
}

Failure check_value(const json::value& v, const FieldSpec& spec, const std::string& field) {
    if (v.is_null()) {
        if (spec.nullable) return std::nullopt;
        if (spec.required) return fail(field, "The " + field + " field is required.");
        return fail(field,
                    "The " + field + " field must not be null (expected " + spec.describe() + ").");
    }
    if (!type_ok(v, spec))
        return fail(field, "The " + field + " field must be of type " + spec.describe() + ".");
    if (spec.type == SpecType::Enum) {
        std::string_view s = v.get_string();
        const auto& allowed = spec.enum_values;
        if (std::find(allowed.begin(), allowed.end(), s) == allowed.end())
            return fail(field, "The selected " + field + " is invalid (allowed: " +
                                   spec.describe().substr(7) + ").");
    }
    if (spec.type == SpecType::Object) return check_fields(v.get_object(), spec, field, false);
    if (spec.type == SpecType::List) return check_list(v.get_array(), spec, field);
    return std::nullopt;
}

}  // namespace

std::optional<ValidationFailure> validate_body(const json::object& body, const FieldSpec& spec) {
    return check_fields(body, spec, "", false);
}

HttpResponse validation_error(const ValidationFailure& f) {
    return error_response(422, "The given data was invalid.", "VALIDATION_ERROR", f.details,
                          f.field);
}

}  // namespace mihu_sim
