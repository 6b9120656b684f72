#include "laravel.hpp"

namespace mihu_sim {

std::string php_trim(std::string_view s) {
    constexpr std::string_view ws{" \t\n\r\0\x0B", 6};
    auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(ws);
    return std::string(s.substr(b, e - b + 1));
}

void laravel_trim(json::value& v) {
    if (v.is_string()) {
        std::string t = php_trim(v.get_string());
        if (t.empty())
            v = nullptr;
        else
            v = t;
    } else if (v.is_array()) {
        for (auto& e : v.get_array()) laravel_trim(e);
    } else if (v.is_object()) {
        for (auto& kv : v.get_object()) laravel_trim(kv.value());
    }
}

void numbers_to_double(json::value& v) {
    switch (v.kind()) {
        case json::kind::int64: v = static_cast<double>(v.get_int64()); break;
        case json::kind::uint64: v = static_cast<double>(v.get_uint64()); break;
        case json::kind::array:
            for (auto& e : v.get_array()) numbers_to_double(e);
            break;
        case json::kind::object:
            for (auto& kv : v.get_object()) numbers_to_double(kv.value());
            break;
        default: break;
    }
}

}  // namespace mihu_sim
