// Table-driven plan cases: tests/data/plan/<case>/{desired.yaml, live.json, expected.txt}.
// desired.yaml is loaded with the real agent schema; live.json is
// {"agents": [API agent objects], "phone_numbers": [API phone number objects]}; expected.txt is
// the diagnostics (one per line, then a blank line) followed by render_text(plan).
//
// RECONCILE_UPDATE_GOLDEN=1 rewrites expected.txt from the current output. Read every rewritten
// file before keeping it: the expected text is the specification.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reconcile/config/loader.hpp"
#include "reconcile/engine/planner.hpp"
#include "reconcile/report/plan_text.hpp"

using namespace reconcile;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

LiveState read_live(const fs::path& p) {
    LiveState live;
    live.phone_numbers_loaded = true;
    boost::system::error_code ec;
    auto doc = json::parse(read_text(p), ec);
    REQUIRE_MESSAGE(!ec, p.string() << ": " << ec.message());
    REQUIRE(doc.is_object());
    if (auto* agents = doc.get_object().if_contains("agents")) {
        for (const auto& a : agents->as_array()) {
            auto agent = live_agent_from_json(a.as_object());
            REQUIRE_MESSAGE(agent.has_value(), p.string() << ": an agent without agent_uuid");
            live.agents.push_back(std::move(*agent));
        }
    }
    if (auto* numbers = doc.get_object().if_contains("phone_numbers")) {
        for (const auto& n : numbers->as_array()) {
            auto number = phone_number_from_json(n.as_object());
            REQUIRE_MESSAGE(number.has_value(), p.string() << ": a phone number without phone_number_uuid");
            live.phone_numbers.push_back(std::move(*number));
        }
    }
    return live;
}

std::string run_case(const fs::path& dir) {
    LoadOptions options;
    options.getenv = [](const std::string& name) -> std::optional<std::string> {
        if (name == "GOLDEN_TOKEN") return std::string("golden-secret-value");
        return std::nullopt;
    };
    LoadResult loaded;
    load_yaml_text(read_text(dir / "desired.yaml"), "desired.yaml", Schema::agent(), options, loaded);
    check_duplicates(loaded);
    auto live = read_live(dir / "live.json");
    auto result = make_plan(loaded.state, live, Schema::agent());

    std::string out;
    for (const auto* diags : {&loaded.diagnostics, &result.diagnostics})
        for (const auto& d : *diags) out += d.format() + "\n";
    if (!out.empty()) out += "\n";
    out += render_text(result.plan);
    return out;
}

}  // namespace

TEST_CASE("golden plan cases") {
    const fs::path root = fs::path(RECONCILE_TEST_DATA) / "plan";
    REQUIRE_MESSAGE(fs::is_directory(root), root.string() << " is missing");
    std::vector<fs::path> cases;
    for (const auto& e : fs::directory_iterator(root))
        if (e.is_directory()) cases.push_back(e.path());
    std::sort(cases.begin(), cases.end());
    REQUIRE_FALSE(cases.empty());

    const char* update_env = std::getenv("RECONCILE_UPDATE_GOLDEN");
    const bool update = update_env && std::string_view(update_env) == "1";
    for (const auto& dir : cases) {
        CAPTURE(dir.filename().string());
        auto actual = run_case(dir);
        const auto expected_path = dir / "expected.txt";
        if (update) {
            std::ofstream(expected_path, std::ios::binary) << actual;
            MESSAGE("rewrote " << expected_path.string());
            continue;
        }
        REQUIRE_MESSAGE(fs::exists(expected_path),
                        expected_path.string() << " is missing (RECONCILE_UPDATE_GOLDEN=1 writes it)");
        CHECK(actual == read_text(expected_path));
        // The plan is deterministic: a second run renders the same bytes.
        CHECK(run_case(dir) == actual);
    }
}
