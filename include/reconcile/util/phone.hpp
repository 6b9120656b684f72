#pragma once
// Phone numbers as the reconciler compares and writes them.
#include <optional>
#include <string>
#include <string_view>

namespace reconcile {

// E.164: '+', a digit 1-9, then 6 to 14 more digits ("+390701234567").
bool is_e164(std::string_view s);

// "+39 070-123" and "+39070123" are one number: the key drops spaces, dashes, dots and
// parentheses.
std::string phone_key(std::string_view number);

// The E.164 spelling of a number written with those separators, or nullopt when what is left
// is not E.164 ("+39 (070) 123-4567" -> "+390701234567").
std::optional<std::string> to_e164(std::string_view number);

}  // namespace reconcile
