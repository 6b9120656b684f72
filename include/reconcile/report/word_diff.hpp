#pragma once
// Word diff inside changed lines: which words of a removed line and of the added line that
// replaces it differ, marked with colours on a terminal or `[-old-]` / `{+new+}` in plain text
// (as `git diff --word-diff=plain` does).
#include <string>
#include <string_view>
#include <vector>

namespace reconcile {

struct WordSpan {
    std::string text;
    bool changed = false;
};

struct WordDiff {
    std::vector<WordSpan> before;
    std::vector<WordSpan> after;
    bool similar = false;  // enough in common that marking words helps (else whole lines differ)
};

// Words are runs of letters, digits, '_' and non-ASCII bytes; runs of spaces; single other
// characters. Spaces between two changed words count as changed, so a changed phrase is
// marked once.
WordDiff word_diff(std::string_view before, std::string_view after);

enum class WordMarks {
    Plain,  // [-old-] {+new+}
    Ansi,   // reverse video on the changed words (the line's own colour stays)
};

// In a diff listing ("-"/"+" lines, as line_diff and change_diff_lines write them), marks the
// changed words of each removed line paired with the added line at the same place in the next
// run of added lines, when the two are similar. `prefix` is how many characters of each line
// are the sign and its padding (line_diff: 2; nested under "@@": 4).
void mark_changed_words(std::vector<std::string>& lines, std::size_t prefix, WordMarks marks);

}  // namespace reconcile
