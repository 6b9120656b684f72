#include "reconcile/report/slug.hpp"

#include "reconcile/util/utf8.hpp"

namespace reconcile {

namespace {

// --- slugs -------------------------------------------------------------------------------------

// ASCII spelling of an accented Latin letter, "" when there is none.
std::string_view latin_base(char32_t cp) {
    // U+00C0..U+00FF; "-" marks the two symbols of the block (multiplication, division).
    static constexpr std::string_view kLatin1[64] = {
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "d", "n", "o", "o", "o", "o", "o", "-", "o", "u", "u", "u", "u", "y", "th", "ss",
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "d", "n", "o", "o", "o", "o", "o", "-", "o", "u", "u", "u", "u", "y", "th", "y"};
    if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
    // Latin Extended-A, U+0100..U+017F: runs of one base letter.
    struct Run {
        char32_t last;
        std::string_view base;
    };
    static constexpr Run kExtendedA[] = {
        {0x105, "a"}, {0x10D, "c"}, {0x111, "d"}, {0x11B, "e"}, {0x123, "g"}, {0x127, "h"}, {0x131, "i"},
        {0x133, "ij"}, {0x135, "j"}, {0x138, "k"}, {0x142, "l"}, {0x14B, "n"}, {0x151, "o"}, {0x153, "oe"},
        {0x159, "r"}, {0x161, "s"}, {0x167, "t"}, {0x173, "u"}, {0x175, "w"}, {0x178, "y"}, {0x17E, "z"},
        {0x17F, "s"}};
    if (cp >= 0x100 && cp <= 0x17F)
        for (const auto& r : kExtendedA)
            if (cp <= r.last) return r.base;
    return {};
}

constexpr std::size_t kMaxSlug = 80;

}  // namespace

std::string export_slug(std::string_view name) {
    std::string slug;
    bool pending_dash = false;
    auto put = [&](std::string_view text) {
        if (pending_dash && !slug.empty()) slug += '-';
        pending_dash = false;
        slug += text;
    };
    for (std::size_t i = 0; i < name.size();) {
        const char32_t cp = next_code_point(name, i);
        if (cp < 0x80) {
            const char c = static_cast<char>(std::tolower(static_cast<int>(cp)));
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) put(std::string_view(&c, 1));
            else pending_dash = true;
        } else if (auto base = latin_base(cp); base == "-") {
            pending_dash = true;
        } else if (!base.empty()) {
            put(base);
        }  // other non-ASCII characters are dropped
    }
    if (slug.size() > kMaxSlug) {
        slug.resize(kMaxSlug);
        while (!slug.empty() && slug.back() == '-') slug.pop_back();
    }
    return slug.empty() ? std::string("agent") : slug;
}

}  // namespace reconcile
