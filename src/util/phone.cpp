#include "reconcile/util/phone.hpp"

#include <algorithm>

namespace reconcile {

bool is_e164(std::string_view s) {
    if (s.size() < 8 || s.size() > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9') return false;
    return std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

namespace {
constexpr std::string_view kSeparators = " -().";
}

std::string phone_key(std::string_view number) {
    std::string out;
    for (char c : number)
        if (kSeparators.find(c) == std::string_view::npos) out += c;
    return out;
}

std::optional<std::string> to_e164(std::string_view number) {
    std::string digits;
    for (std::size_t i = 0; i < number.size(); ++i) {
        const char c = number[i];
        if ((c >= '0' && c <= '9') || (c == '+' && i == 0)) digits += c;
        else if (kSeparators.find(c) == std::string_view::npos) return std::nullopt;
    }
    return is_e164(digits) ? std::optional<std::string>(digits) : std::nullopt;
}

}  // namespace reconcile
