// libFuzzer target: arbitrary bytes as an agent YAML file, and as reconcile.yaml (the untyped
// document builder). Both must return diagnostics, never crash, hang or exhaust memory (limits
// on size, depth, alias expansion and documents).
#include <cstddef>
#include <cstdint>
#include <string>

#include "reconcile/config/document_builder.hpp"
#include "reconcile/config/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace reconcile;
    static const Schema& schema = Schema::agent();
    LoadOptions options;
    options.getenv = [](const std::string& name) -> std::optional<std::string> {
        if (name == "SET") return std::string("value");
        return std::nullopt;
    };
    options.max_file_bytes = 64 * 1024;
    options.max_nodes = 20'000;
    LoadResult out;
    load_yaml_text(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.yaml", schema, options, out);
    check_duplicates(out);

    struct Count final : BuildReporter {
        std::size_t errors = 0;
        bool error(const SourceLocation&, std::string) override { return ++errors < 200; }
        void warning(const SourceLocation&, std::string) override {}
    } reporter;
    BuildOptions config;
    config.limits.max_nodes = 20'000;
    config.record_value_locations = true;
    config.root_mapping_error = "reconcile.yaml must be a mapping";
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (!yaml_text_problem(text)) build_single_document(text, "reconcile.yaml", config, reporter);
    return 0;
}
