#include "console.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <mutex>
#include <random>

#include "options.hpp"
#include "reconcile/util/utf8.hpp"

namespace reconcile::cli {

void draw_color_marker() {
    // Four code points of Supplementary Private Use Area-A: valid UTF-8, 2^63 choices.
    std::random_device rd;
    std::string marker;
    for (int k = 0; k < 4; ++k) {
        const char32_t cp = 0xF0000 + (rd() % 0xFFFE);
        marker += static_cast<char>(0xF0 | (cp >> 18));
        marker += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        marker += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        marker += static_cast<char>(0x80 | (cp & 0x3F));
    }
    set_trusted_sgr_marker(std::move(marker));
}


namespace {

// spdlog sink that redacts before writing to stderr.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit RedactingSink(const Redactor& r) : redactor_(r) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t formatted;
        formatter_->format(msg, formatted);
        std::cerr << printable_output(redactor_.apply(std::string_view(formatted.data(), formatted.size())), false);
    }
    void flush_() override { std::cerr.flush(); }

private:
    const Redactor& redactor_;
};

}  // namespace

// Output is redacted, then made safe for a terminal or a CI log: escape sequences, carriage
// returns, bells and bidi controls that came from a file or a server reply are shown escaped, so
// no value can erase or fake a line such as "No changes.".
void Console::out(std::string_view text) {
    std::cout << printable_output(redactor.apply(text), color);
    std::cout.flush();
}

void Console::out_json(const json::value& document) {
    std::cout << redactor.apply(terminal_safe_json(to_pretty_json(document)));
    std::cout.flush();
}

void Console::err(std::string_view text) {
    std::cerr << printable_output(redactor.apply(text), color);
    std::cerr.flush();
}

void print_diagnostics(Console& console, const Diagnostics& diags) {
    for (const auto& d : diags) console.err(d.format() + "\n");
}

void setup_logging(const GlobalOptions& g, const Redactor& redactor) {
    auto sink = std::make_shared<RedactingSink>(redactor);
    auto logger = std::make_shared<spdlog::logger>("reconcile", sink);
    logger->set_pattern("%^%l%$: %v");
    auto level = spdlog::level::warn;
    if (g.verbosity == 1) level = spdlog::level::info;
    if (g.verbosity >= 2) level = spdlog::level::debug;
    if (!g.log_level.empty()) level = spdlog::level::from_str(g.log_level);
    logger->set_level(level);
    spdlog::set_default_logger(logger);
}

}  // namespace reconcile::cli
