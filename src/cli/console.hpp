#pragma once
// The only place that prints: standard output and error, and spdlog's sink, all through the
// redactor.
#include <string>
#include <string_view>

#include "reconcile/cli/redact.hpp"
#include "reconcile/model/diagnostics.hpp"
#include "reconcile/util/json.hpp"

namespace reconcile::cli {

struct GlobalOptions;

// Everything printed goes through the redactor: the token and ${env:} values never appear.
struct Console {
    Redactor redactor;
    bool color = false;
    void out(std::string_view text);    // standard output
    void out_json(const json::value& document);  // standard output, pretty JSON
    void err(std::string_view text);    // standard error
    void error(std::string_view message) { err("error: " + std::string(message) + "\n"); }
};

void print_diagnostics(Console& console, const Diagnostics& diags);

// Draws this run's marker for the tool's own colour codes (util/utf8 trusted_sgr), so a value
// cannot forge one. Called once at start-up, before anything is rendered.
void draw_color_marker();

// spdlog writes through the console's redactor, at the level -v/-vv/--log-level ask for.
void setup_logging(const GlobalOptions& g, const Redactor& redactor);

}  // namespace reconcile::cli
