#pragma once
#include <string>
#include <string_view>

namespace reconcile {

// A file-name-safe slug: lower-case ASCII letters and digits, every run of anything else one
// "-", no leading or trailing "-", at most 80 characters. Accented Latin letters lose their
// accent (é -> e, ß -> ss); other non-ASCII characters are dropped. "" -> "agent".
// "Rich: Three / x" -> "rich-three-x".
std::string export_slug(std::string_view name);

}  // namespace reconcile
