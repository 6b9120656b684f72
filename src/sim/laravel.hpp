#pragma once
// What the live service's framework (Laravel) does to every request and response: strings are
// trimmed and an empty string becomes null (TrimStrings, ConvertEmptyStringsToNull); numbers are
// returned as floats (1 -> 1.0).
#include <boost/json.hpp>
#include <string>
#include <string_view>

namespace mihu_sim {

namespace json = boost::json;

// PHP's trim(): strips " \t\n\r\0\x0B" from both ends.
std::string php_trim(std::string_view s);

// Every string value (not keys), at any depth, is trimmed; a string left empty becomes null.
void laravel_trim(json::value& v);

// Every number in the value becomes a double.
void numbers_to_double(json::value& v);

}  // namespace mihu_sim
