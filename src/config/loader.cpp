#include "reconcile/config/loader.hpp"
#include "reconcile/config/parallel_for.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <system_error>
#include <tuple>

#include "reconcile/config/bases.hpp"
#include "reconcile/config/document_builder.hpp"
#include "reconcile/config/file_reader.hpp"
#include "reconcile/config/reconciler_keys.hpp"
#include "reconcile/model/env_template.hpp"
#include "reconcile/util/digest.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

namespace fs = std::filesystem;

namespace {

// What one file gives; files are read in parallel and their results merged in file order.
struct FileResult {
    std::vector<DesiredAgent> agents;  // as built; then after the post-passes
    Diagnostics diagnostics;
    std::vector<SecretValue> secret_values;
    std::size_t errors = 0;  // counted against LoadOptions::max_errors
    bool stopped = false;
};

// Collects one file's diagnostics with its error budget, and substitutes `${env:}` in the
// strings the builder reads (the body keeps the template; the value goes to a SecretRef).
class FileReporter final : public BuildReporter {
public:
    FileReporter(const LoadOptions& options, FileResult& out) : options_(options), out_(out) {}

    bool error(const SourceLocation& where, std::string message) override {
        if (out_.stopped) return false;
        if (++out_.errors > options_.max_errors) {
            out_.diagnostics.push_back(make_error(where, "too many errors; the rest of this file is not checked"));
            out_.stopped = true;
            return false;
        }
        out_.diagnostics.push_back(make_error(where, std::move(message)));
        return true;
    }
    void warning(const SourceLocation& where, std::string message) override {
        if (!out_.stopped) out_.diagnostics.push_back(make_warning(where, std::move(message)));
    }
    // A malformed file gives that error alone, as a file the parser refuses as a whole: what
    // was read before it (the documents, their errors) is dropped.
    void syntax_error(const SourceLocation& where, std::string message) override {
        out_.agents.clear();
        out_.diagnostics.clear();
        out_.secret_values.clear();
        secrets_.clear();
        out_.diagnostics.push_back(make_error(where, std::move(message)));
        out_.stopped = true;
    }
    std::optional<std::string> string_value(std::string_view text, const std::string& pointer,
                                            const SourceLocation& where) override {
        if (text.find("${env:") == std::string_view::npos) return std::nullopt;
        return substitute(std::string(text), pointer, where);
    }
    bool stopped() const { return out_.stopped; }
    // The SecretRefs of the document just built.
    std::vector<SecretRef> take_secrets() { return std::exchange(secrets_, {}); }

private:
    std::optional<std::string> substitute(const std::string& text, const std::string& ptr, const SourceLocation& where);
    bool refuses_token(const EnvExpansion& e, const std::string& text, const std::string& field,
                       const SourceLocation& where);
    std::optional<std::string> lookup(const std::string& name) const {
        if (options_.getenv) return options_.getenv(name);
        if (const char* v = std::getenv(name.c_str())) return std::string(v);
        return std::nullopt;
    }

    const LoadOptions& options_;
    FileResult& out_;
    std::vector<SecretRef> secrets_;
};

bool FileReporter::refuses_token(const EnvExpansion& e, const std::string& text, const std::string& field,
                                 const SourceLocation& where) {
    for (const auto& name : e.variables) {
        if (std::find(options_.token_variables.begin(), options_.token_variables.end(), name) !=
            options_.token_variables.end()) {
            error(where, "`" + field + "`: ${env:" + name +
                             "} is the API token's variable; the token can never be part of an agent");
            return true;
        }
    }
    for (const auto& value : e.values) {
        if (!options_.api_token.empty() && value.find(options_.api_token) != std::string::npos) {
            error(where, "`" + field + "`: the value of " + text +
                             " contains the API token; the token can never be part of an agent");
            return true;
        }
    }
    return false;
}

// `${env:NAME}` -> the variable's value, kept in a SecretRef (the body keeps the template);
// `$${env:` alone -> the literal `${env:` in the body.
std::optional<std::string> FileReporter::substitute(const std::string& text, const std::string& ptr,
                                                    const SourceLocation& where) {
    const std::string field = ptr.empty() ? std::string("(document)") : pointer_to_display(ptr);
    auto e = expand_env_references(text, [this](const std::string& name) { return lookup(name); });
    if (e.malformed) {
        error(where, "`" + field +
                         "`: malformed environment reference; write ${env:NAME} with NAME made of "
                         "letters, digits and _ (or $${env: for the literal text)");
        return std::nullopt;
    }
    for (const auto& name : e.unset) {
        std::string msg = "environment variable " + name + " is not set (referenced by `" + field + "`)";
        if (options_.unset_env_is_error) error(where, std::move(msg));
        else warning(where, std::move(msg));
    }
    if (e.variables.empty()) return std::move(e.text);  // only `$${env:` escapes: plain text
    if (refuses_token(e, text, field, where)) return std::nullopt;
    auto& secrets = out_.secret_values;
    for (const auto& value : e.values) {
        SecretValue v(value);
        if (!value.empty() && std::find(secrets.begin(), secrets.end(), v) == secrets.end()) secrets.push_back(v);
    }
    SecretRef ref{ptr, text, e.variables, std::nullopt};
    if (e.unset.empty()) ref.value = SecretValue(std::move(e.text));
    secrets_.push_back(std::move(ref));
    return std::nullopt;
}

// A built document as a DesiredAgent, before the post-passes (nothing for a refused one).
void keep_document(BuiltDocument&& doc, FileReporter& reporter, FileResult& out) {
    DesiredAgent agent;
    agent.where = doc.where;
    agent.locations = std::move(doc.locations);
    agent.secrets = reporter.take_secrets();
    if (doc.refused || !doc.value.is_object()) return;  // refused, or mistyped: reported
    adopt_json(agent.body, std::move(doc.value.get_object()));  // stays in the document's arena
    out.agents.push_back(std::move(agent));
}

// JSON post-passes on one document: bases (`extends`) and `${var:}`, reconciler keys, the name.
// False when the document is not kept.
bool finish_document(DesiredAgent& agent, const Schema& schema, const LoadOptions& options, FileReporter& reporter,
                     FileResult& out) {
    if (options.base_document) return true;  // merged under agent documents by config/bases.cpp
    LoadResult composed;  // what the bases and vars report, moved into this file's results
    compose_document(agent, schema, options, composed);
    for (auto& d : composed.diagnostics) {
        if (d.severity == Severity::Error) reporter.error(d.where, std::move(d.message));
        else reporter.warning(d.where, std::move(d.message));
    }
    for (auto& v : composed.state.secret_values)
        if (std::find(out.secret_values.begin(), out.secret_values.end(), v) == out.secret_values.end())
            out.secret_values.push_back(std::move(v));
    auto error = [&](const SourceLocation& where, std::string message) { reporter.error(where, std::move(message)); };
    extract_reconciler_keys(agent, schema, error);
    auto* name = agent.body.if_contains("name");
    if (!name || !name->is_string()) return false;  // missing or mistyped: reported while typing
    agent.name = std::string(php_trim(name->get_string()));
    for (const auto& s : agent.secrets) {
        if (s.pointer == "/name") {
            error(agent.location_of("/name"),
                  "`name` cannot reference ${env:}: the name is shown in every plan, log and report; write it out");
            return false;
        }
    }
    if (agent.name.empty()) {
        error(agent.location_of("/name"), "`name` is empty");
        return false;
    }
    // A document with errors elsewhere is still kept when it has a name, so that the
    // cross-document checks see it; callers plan nothing while has_errors() holds.
    return !reporter.stopped();
}

// The post-passes of every document of a file, in order (sequential: bases are shared).
void finish_file(FileResult& file, const Schema& schema, const LoadOptions& options) {
    FileReporter reporter(options, file);
    std::vector<DesiredAgent> kept;
    for (auto& agent : file.agents) {
        if (reporter.stopped()) break;
        if (finish_document(agent, schema, options, reporter, file)) kept.push_back(std::move(agent));
    }
    file.agents = std::move(kept);
    // In source order (checks made after building a document come out of order otherwise).
    std::stable_sort(file.diagnostics.begin(), file.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
    });
}

void load_text(std::string_view text, const std::string& display_name, const Schema& schema,
               const LoadOptions& options, FileResult& out) {
    if (text.size() > options.max_file_bytes) {
        out.diagnostics.push_back(make_error(SourceLocation{display_name}, "file is " + format_size(text.size()) +
                                                                               ", over the " +
                                                                               format_size(options.max_file_bytes) + " limit"));
        return;
    }
    if (auto bad = yaml_text_problem(text)) {
        out.diagnostics.push_back(make_error(SourceLocation{display_name, bad->mark.line, bad->mark.column}, bad->message));
        return;
    }
    FileReporter reporter(options, out);
    BuildOptions build;
    build.schema = &schema;
    build.limits = BuildLimits{options.max_depth, options.max_nodes, options.max_documents};
    build.root_mapping_error = "an agent document must be a mapping of fields";
    build.root_required_fields = !options.base_document;  // a base needs no `name`
    build.keep_location_pointers = options.base_document;  // copied to the documents extending it
    DocumentBuilder builder(text, display_name, std::move(build), reporter);
    while (!reporter.stopped()) {
        auto doc = builder.next();
        if (!doc) break;
        keep_document(std::move(*doc), reporter, out);
    }
}

void merge(FileResult&& file, LoadResult& out) {
    for (auto& a : file.agents) out.state.agents.push_back(std::move(a));
    for (auto& d : file.diagnostics) out.diagnostics.push_back(std::move(d));
    auto& secrets = out.state.secret_values;
    for (auto& v : file.secret_values)
        if (std::find(secrets.begin(), secrets.end(), v) == secrets.end()) secrets.push_back(std::move(v));
}

std::string relative_display(const fs::path& file, const fs::path& root) {
    std::error_code ec;  // absolute() only fails without a current directory; then keep as given
    fs::path abs_file = fs::absolute(file, ec);
    if (ec) abs_file = file;
    fs::path abs_root = fs::absolute(root, ec);
    if (ec) abs_root = root;
    fs::path rel = abs_file.lexically_normal().lexically_relative(abs_root.lexically_normal());
    if (rel.empty() || *rel.begin() == "..") return file.generic_string();
    return rel.generic_string();
}

// Reads and loads one file; returns its part of the inputs digest.
std::string load_one_file(const std::string& rel, const fs::path& path, const Schema& schema,
                          const LoadOptions& options, FileResult& out) {
    auto text = read_bounded_file(path, options.max_file_bytes);
    if (!text) {
        out.diagnostics.push_back(make_error(SourceLocation{rel}, text.error()));
        return "error " + text.error();
    }
    load_text(*text, rel, schema, options, out);
    return std::to_string(text->size()) + ' ' + sha256_hex(*text);
}


}  // namespace

void load_yaml_text(std::string_view text, const std::string& display_name, const Schema& schema,
                    const LoadOptions& options, LoadResult& out) {
    FileResult file;
    load_text(text, display_name, schema, options, file);
    finish_file(file, schema, options);
    merge(std::move(file), out);
}

LoadResult load_files(const std::vector<fs::path>& files, const fs::path& repo_root, const Schema& schema,
                      const LoadOptions& options) {
    std::map<std::string, fs::path> ordered;  // sorted by relative path, deduplicated
    for (const auto& f : files) ordered.emplace(relative_display(f, repo_root), f);
    std::vector<std::pair<std::string, fs::path>> list(ordered.begin(), ordered.end());
    std::vector<FileResult> results(list.size());
    std::vector<std::string> digests(list.size());
    parallel_for(list.size(), options.threads, [&](std::size_t i) {
        digests[i] = load_one_file(list[i].first, list[i].second, schema, options, results[i]);
    });
    // The post-passes in file order, on one thread: bases are read once and shared.
    BaseResolver bases(repo_root, schema, options, files);
    LoadOptions with_bases = options;
    if (!with_bases.bases) with_bases.bases = &bases;
    LoadResult result;
    std::string digest_input;
    for (std::size_t i = 0; i < list.size(); ++i) {
        result.state.files.push_back(list[i].first);
        digest_input += list[i].first + '\0' + digests[i] + '\0';
        finish_file(results[i], schema, with_bases);
        merge(std::move(results[i]), result);
    }
    bases.finish(result, digest_input);
    check_duplicates(result);
    result.state.inputs_digest = sha256_hex(digest_input);
    return result;
}

}  // namespace reconcile
