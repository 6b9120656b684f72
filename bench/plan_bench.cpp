// Benchmark of the pure pipeline at fleet scale: load N YAML agents, parse N live agents from
// API-shaped JSON, plan. Figures are printed as ratios against a baseline measured in the same
// run (parsing the live JSON, a cost no reconciler can avoid), so they compare across machines.
//
//   bench/plan_bench [N=10000] [changed_percent=10]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "reconcile/model/live_state.hpp"
#include "reconcile/config/loader.hpp"
#include "reconcile/engine/planner.hpp"
#include "reconcile/report/plan_text.hpp"

#include <yaml-cpp/yaml.h>

using namespace reconcile;
using Clock = std::chrono::steady_clock;

namespace {

std::string desired_yaml(int i, bool changed) {
    std::string s = "name: Agent " + std::to_string(i) + "\n";
    s += "language: en\n";
    s += "objective: |\n  Book a service appointment.\n  Capture the plate, the date and the service.\n";
    s += std::string("tone: ") + (changed ? "warm and quick" : "warm") + "\n";
    s += "settings:\n  voice:\n    interaction:\n      max_silence_prompts: 3\n      customer_speak_first: false\n";
    s += "guidelines:\n  - content: Confirm the plate first.\n    order: 0\n  - content: Never quote prices.\n    order: 1\n";
    s += "---\n";
    return s;
}

json::object live_agent(int i) {
    json::object a;
    a["agent_uuid"] = "00000000-0000-4000-8000-" + std::to_string(100000000000LL + i);
    a["name"] = "Agent " + std::to_string(i);
    a["language"] = "en";
    a["objective"] = "Book a service appointment.\nCapture the plate, the date and the service.";
    a["tone"] = "warm";
    a["status"] = "ready";
    a["speed"] = "normal";
    a["settings"] = json::parse(R"({"voice":{"interaction":{"max_silence_prompts":3.0,"customer_speak_first":false,
        "inbound_first_message":"Hello","silence_message":"Still there?"},"interruption":{"mode":"balanced"},
        "call_behavior":{"audio_recording":true,"silence_timeout_seconds":60.0}},"text":{},"memorize":{},"evaluation":{}})");
    a["guidelines"] = json::parse(R"([{"uuid":"g1","content":"Confirm the plate first.","order":0.0},
        {"uuid":"g2","content":"Never quote prices.","order":1.0}])");
    a["notes"] = json::array();
    a["updated_at"] = "2026-01-01T00:00:00Z";
    return a;
}

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

long max_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
    int n = argc > 1 ? std::atoi(argv[1]) : 10000;
    int changed_pct = argc > 2 ? std::atoi(argv[2]) : 10;
    const Schema& schema = Schema::agent();

    std::string yaml;
    json::array items;
    for (int i = 0; i < n; ++i) {
        yaml += desired_yaml(i, i % 100 < changed_pct);
        items.push_back(live_agent(i));
    }
    // The live side as it arrives: pages of 100 serialized by the API.
    std::vector<std::string> pages;
    for (int p = 0; p * 100 < n; ++p) {
        json::array page;
        for (int i = p * 100; i < std::min(n, p * 100 + 100); ++i) page.push_back(items[i]);
        pages.push_back(json::serialize(json::object{{"data", json::object{{"items", page}}}}));
    }
    items.clear();
    long rss_before = max_rss_kib();

    // Second reference: yaml-cpp parsing the same text, without typing or validation.
    auto ty0 = Clock::now();
    YAML::LoadAll(yaml);
    auto ty1 = Clock::now();

    // Baseline: parse the live pages (unavoidable for any client).
    auto t0 = Clock::now();
    LiveState live;
    for (const auto& text : pages) {
        auto doc = json::parse(text);
        for (const auto& v : doc.at("data").at("items").get_array())
            if (auto a = live_agent_from_json(v.get_object())) live.agents.push_back(std::move(*a));
    }
    auto t1 = Clock::now();

    LoadOptions options;
    options.getenv = [](const std::string&) { return std::nullopt; };
    options.max_file_bytes = yaml.size() + 1;
    options.max_nodes = 100'000'000;
    options.max_documents = static_cast<std::size_t>(n) + 1;  // one file holds every agent here
    LoadResult loaded;
    load_yaml_text(yaml, "bench.yaml", schema, options, loaded);
    auto t2 = Clock::now();

    auto result = make_plan(loaded.state, live, schema);
    auto t3 = Clock::now();
    auto text = render_text(result.plan);
    auto t4 = Clock::now();

    double base = seconds(t0, t1);
    std::printf("agents: %d (%d%% changed), steps: %zu, diagnostics: %zu\n", n, changed_pct,
                result.plan.steps.size(), loaded.diagnostics.size() + result.diagnostics.size());
    std::printf("%-28s %10s %12s\n", "stage", "seconds", "x baseline");
    std::printf("%-28s %10.3f %12.2f\n", "baseline: parse live JSON", base, 1.0);
    std::printf("%-28s %10.3f %12.2f\n", "yaml-cpp parse alone", seconds(ty0, ty1), seconds(ty0, ty1) / base);
    std::printf("%-28s %10.3f %12.2f\n", "load YAML (schema-typed)", seconds(t1, t2), seconds(t1, t2) / base);
    std::printf("%-28s %10.3f %12.2f\n", "plan (normalize + diff)", seconds(t2, t3), seconds(t2, t3) / base);
    std::printf("%-28s %10.3f %12.2f\n", "render text", seconds(t3, t4), seconds(t3, t4) / base);
    std::printf("peak RSS: %.1f MiB (inputs alone: %.1f MiB, ratio %.2f)\n", max_rss_kib() / 1024.0,
                rss_before / 1024.0, static_cast<double>(max_rss_kib()) / rss_before);
    std::printf("plan output: %zu bytes\n", text.size());
    return result.plan.steps.size() == static_cast<std::size_t>(n * changed_pct / 100) ? 0 : 1;
}
