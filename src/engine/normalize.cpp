#include "reconcile/engine/normalize.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

namespace reconcile {

namespace {

// An integral double within int64 range becomes an int64, a uint64 that fits becomes an
// int64: equal numbers then have one representation (for hashing and display).
json::value normalize_number(const json::value& v) {
    if (v.is_uint64()) {
        auto u = v.get_uint64();
        if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return json::value(static_cast<std::int64_t>(u));
        return v;
    }
    if (v.is_double()) {
        double d = v.get_double();
        if (whole_in_int64(d)) return json::value(static_cast<std::int64_t>(d));
    }
    return v;
}

}  // namespace

json::object normalize(const json::object& o, const SchemaNode* node) {
    json::object out;
    out.reserve(o.size());
    for (const auto& kv : o) {
        const SchemaNode* child = node ? node->property(kv.key()) : nullptr;
        if (!is_api_field(child)) continue;
        out.emplace(kv.key(), normalize(kv.value(), child));
    }
    return out;
}

json::value normalize(const json::value& v, const SchemaNode* node) {
    switch (v.kind()) {
        case json::kind::string: {
            auto t = php_trim(v.get_string());
            if (t.empty()) return nullptr;
            return json::value(json::string(t));
        }
        case json::kind::int64:
        case json::kind::uint64:
        case json::kind::double_:
            return normalize_number(v);
        case json::kind::object:
            return normalize(v.get_object(), node);
        case json::kind::array: {
            const SchemaNode* item = node && node->items ? node->items.get() : nullptr;
            json::array out;
            out.reserve(v.get_array().size());
            for (const auto& e : v.get_array()) {
                auto n = normalize(e, item);
                drop_item_uuid(n);
                out.push_back(std::move(n));
            }
            return out;
        }
        default:
            return v;
    }
}

namespace {

bool is_number(const json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }

bool numbers_equal(const json::value& a, const json::value& b) {
    if (a.is_double() || b.is_double()) {
        // Exact for integers below 2^53, which covers every number the agent API uses; larger
        // integers compare exactly below.
        if (a.is_double() && b.is_double()) return a.get_double() == b.get_double();
        const json::value& d = a.is_double() ? a : b;
        const json::value& i = a.is_double() ? b : a;
        double dv = d.get_double();
        if (!std::isfinite(dv) || dv != std::trunc(dv)) return false;
        if (i.is_int64()) {
            if (dv < -9223372036854775808.0 || dv >= 9223372036854775808.0) return false;
            return static_cast<std::int64_t>(dv) == i.get_int64();
        }
        if (dv < 0 || dv >= 18446744073709551616.0) return false;
        return static_cast<std::uint64_t>(dv) == i.get_uint64();
    }
    if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
    if (a.is_uint64() && b.is_uint64()) return a.get_uint64() == b.get_uint64();
    const json::value& s = a.is_int64() ? a : b;
    const json::value& u = a.is_int64() ? b : a;
    return s.get_int64() >= 0 && static_cast<std::uint64_t>(s.get_int64()) == u.get_uint64();
}

const json::value kNull{};

const json::value& member_or_null(const json::object& o, std::string_view key) {
    auto* p = o.if_contains(key);
    return p ? *p : kNull;
}

}  // namespace

bool normalized_equal(const json::value& a, const json::value& b) {
    if (is_number(a) && is_number(b)) return numbers_equal(a, b);
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
        case json::kind::null: return true;
        case json::kind::bool_: return a.get_bool() == b.get_bool();
        case json::kind::string: return a.get_string() == b.get_string();
        case json::kind::array: {
            const auto& x = a.get_array();
            const auto& y = b.get_array();
            if (x.size() != y.size()) return false;
            for (std::size_t i = 0; i < x.size(); ++i)
                if (!normalized_equal(x[i], y[i])) return false;
            return true;
        }
        case json::kind::object: {
            // A missing member counts as null.
            const auto& x = a.get_object();
            const auto& y = b.get_object();
            for (const auto& kv : x)
                if (!normalized_equal(kv.value(), member_or_null(y, kv.key()))) return false;
            for (const auto& kv : y)
                if (!x.contains(kv.key()) && !kv.value().is_null()) return false;
            return true;
        }
        default: return false;
    }
}

bool desired_matches(const json::value& desired, const json::value& live) {
    switch (desired.kind()) {
        case json::kind::object: {
            // Only the members the configuration gives are compared; a live null (or absent)
            // object is an object with every member null.
            static const json::object kEmpty;
            const json::object* l = nullptr;
            if (live.is_object()) l = &live.get_object();
            else if (live.is_null()) l = &kEmpty;
            else return false;
            for (const auto& kv : desired.get_object())
                if (!desired_matches(kv.value(), member_or_null(*l, kv.key()))) return false;
            return true;
        }
        case json::kind::array: {
            if (!live.is_array()) return false;
            const auto& d = desired.get_array();
            const auto& l = live.get_array();
            if (d.size() != l.size()) return false;
            for (std::size_t i = 0; i < d.size(); ++i)
                if (!desired_matches(d[i], l[i])) return false;
            return true;
        }
        default:
            return normalized_equal(desired, live);
    }
}

namespace {

// What normalize() makes of a scalar, read in place: null for null and blank strings.
bool blank(const json::value& v) { return v.is_null() || (v.is_string() && php_trim(v.get_string()).empty()); }

// normalized_equal(normalize(d), normalize(l)) for a desired scalar `d`.
bool scalar_matches(const json::value& d, const json::value& l) {
    if (is_number(d) && is_number(l)) return numbers_equal(d, l);
    const bool dn = blank(d), ln = blank(l);
    if (dn || ln) return dn && ln;
    if (d.kind() != l.kind()) return false;
    switch (d.kind()) {
        case json::kind::bool_: return d.get_bool() == l.get_bool();
        case json::kind::string: return php_trim(d.get_string()) == php_trim(l.get_string());
        default: return false;
    }
}

// `item`: the values are elements of an array, whose `uuid` member normalize() drops.
bool matches(const json::value& d, const json::value& l, const SchemaNode* node, bool item) {
    switch (d.kind()) {
        case json::kind::object: {
            // A live null (or blank string: normalized to null) is an object with every member null.
            const json::object* lo = l.is_object() ? &l.get_object() : nullptr;
            if (!lo && !blank(l)) return false;
            for (const auto& kv : d.get_object()) {
                if (item && kv.key() == "uuid") continue;
                const SchemaNode* child = node ? node->property(kv.key()) : nullptr;
                if (!is_api_field(child)) continue;
                const json::value* lv = lo ? lo->if_contains(kv.key()) : nullptr;
                if (!matches(kv.value(), lv ? *lv : kNull, child, false)) return false;
            }
            return true;
        }
        case json::kind::array: {
            if (!l.is_array()) return false;
            const auto& da = d.get_array();
            const auto& la = l.get_array();
            if (da.size() != la.size()) return false;
            const SchemaNode* element = node && node->items ? node->items.get() : nullptr;
            for (std::size_t i = 0; i < da.size(); ++i)
                if (!matches(da[i], la[i], element, true)) return false;
            return true;
        }
        default:
            return scalar_matches(d, l);
    }
}

}  // namespace

bool normalized_matches(const json::value& desired, const json::value& live, const SchemaNode* node) {
    return matches(desired, live, node, false);
}

}  // namespace reconcile
