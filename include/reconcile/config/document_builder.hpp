#pragma once
// YAML events -> one Boost.JSON value per document, with where each key and array item was
// written (a JSON pointer -> position map). No intermediate node tree: values are built as the
// events arrive. With a schema, scalars are typed by it in the same pass (and unknown,
// read-only and missing required fields reported); without one every scalar is a string
// (reconcile.yaml). Aliases are replayed from a recording of their anchor's events, so a
// document's size counts every expansion and an oversized one is refused before it is built.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/config/yaml_events.hpp"
#include "reconcile/model/desired_state.hpp"
#include "reconcile/model/diagnostics.hpp"
#include "reconcile/model/schema.hpp"
#include "reconcile/util/json.hpp"

namespace reconcile {

struct BuildLimits {
    std::size_t max_depth = 64;
    std::size_t max_nodes = 1'000'000;  // per document, keys and alias expansions included
    std::size_t max_documents = 10'000;  // per file
};

// What the builder finds, for the caller to record (and count against a per-file budget).
class BuildReporter {
public:
    virtual ~BuildReporter() = default;
    // false: stop reading this file (too many errors).
    virtual bool error(const SourceLocation& where, std::string message) = 0;
    virtual void warning(const SourceLocation& where, std::string message) = 0;
    // The YAML is malformed: the file stops here. By default an error like any other.
    virtual void syntax_error(const SourceLocation& where, std::string message) { error(where, std::move(message)); }
    // A string value read in schema mode, e.g. for `${env:}` substitution: returns the text the
    // body keeps instead, or nullopt to keep it as written.
    virtual std::optional<std::string> string_value(std::string_view /*text*/, const std::string& /*pointer*/,
                                                    const SourceLocation& /*where*/) {
        return std::nullopt;
    }
};

struct BuildOptions {
    const Schema* schema = nullptr;  // nullptr: every scalar is a string, plain null words null
    BuildLimits limits;
    // The error for a document whose top is not a mapping ("..., got array"); empty: any top.
    std::string root_mapping_error;
    // The schema's required fields of the top mapping are checked (a base document has none).
    bool root_required_fields = true;
    // Also record where each mapping value was written (small files such as reconcile.yaml).
    bool record_value_locations = false;
    // Keep the pointers' text in `locations`, so that it can be iterated (base documents).
    bool keep_location_pointers = false;
};

struct BuiltDocument {
    json::value value;        // the document (an object when root_mapping_error is set)
    LocationMap locations;    // keys and array items; "" = the document's first node
    LocationMap value_locations;  // mapping values, when record_value_locations
    SourceLocation where;     // the document's first node
    bool refused = false;     // a limit refused it as a whole; value is null
};

class DocumentBuilder {
public:
    DocumentBuilder(std::string_view text, std::string file, BuildOptions options, BuildReporter& reporter);
    ~DocumentBuilder();
    DocumentBuilder(const DocumentBuilder&) = delete;
    DocumentBuilder& operator=(const DocumentBuilder&) = delete;

    // The next non-empty document; nullopt at the end of the stream, after a syntax error (then
    // reported as "malformed YAML: ...") or once the reporter asked to stop.
    std::optional<BuiltDocument> next();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Builds the first document of `text` (reconcile.yaml). nullopt: empty, or errors reported.
std::optional<BuiltDocument> build_single_document(std::string_view text, const std::string& file,
                                                   BuildOptions options, BuildReporter& reporter);

}  // namespace reconcile
