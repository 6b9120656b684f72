#include "reconcile/model/diagnostics.hpp"

#include <algorithm>

namespace reconcile {

std::string SourceLocation::str() const {
    std::string out = file;
    if (line > 0) {
        out += ':' + std::to_string(line);
        if (column > 0) out += ':' + std::to_string(column);
    }
    return out;
}

std::string SourceLocation::file_line() const {
    return line > 0 ? file + ":" + std::to_string(line) : file;
}

std::string Diagnostic::format() const {
    std::string out = where.str();
    if (!out.empty()) out += ": ";
    out += severity == Severity::Error ? "error: " : "warning: ";
    out += message;
    return out;
}

bool has_errors(const Diagnostics& diags) {
    return std::any_of(diags.begin(), diags.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

Diagnostic make_error(SourceLocation where, std::string message) {
    return Diagnostic{Severity::Error, std::move(where), std::move(message)};
}

Diagnostic make_warning(SourceLocation where, std::string message) {
    return Diagnostic{Severity::Warning, std::move(where), std::move(message)};
}

}  // namespace reconcile
