#pragma once
// Errors are values: every stage collects Diagnostics instead of throwing, so one run reports
// every problem in every file.
#include <string>
#include <vector>

namespace reconcile {

struct SourceLocation {
    std::string file;  // path as the user would type it (relative to the repo when possible)
    int line = 0;      // 1-based; 0 = unknown
    int column = 0;    // 1-based; 0 = unknown
    std::string str() const;        // "file:line:col", omitting unknown parts
    std::string file_line() const;  // "file:line" (no column), or "file" when the line is unknown
};

enum class Severity { Error, Warning };

struct Diagnostic {
    Severity severity = Severity::Error;
    SourceLocation where;
    std::string message;
    // "FILE:LINE:COL: error: MESSAGE"
    std::string format() const;
};

using Diagnostics = std::vector<Diagnostic>;

bool has_errors(const Diagnostics& diags);
Diagnostic make_error(SourceLocation where, std::string message);
Diagnostic make_warning(SourceLocation where, std::string message);

}  // namespace reconcile
