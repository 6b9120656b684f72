#pragma once
// `extends:` — base documents merged under an agent document. A team with fifty agents keeps
// what they share (guard rules, settings) in one base, e.g. bases/dealership.yaml, and each
// agent document says only what is its own.
//
// Rules:
// - `extends: PATH` or a list of paths, relative to the document's file; a later base wins over
//   an earlier one, and the document wins over all of them;
// - objects merge key by key (deeply); any other value the document gives (a scalar, null, a
//   list) replaces the base's;
// - a base may extend other bases (chains); a cycle is an error;
// - a base must be a file inside the repository (no `..` out of it, no absolute path, no
//   symbolic link that resolves outside it) and not one of the agent documents;
// - a base is read like an agent document (typed by the schema, `${env:}` secrets) except that
//   it needs no `name`; it is read once however many documents extend it;
// - every value keeps where it was written: a diagnostic about a value from a base names the
//   base's file and line.
#include <expected>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "reconcile/config/loader.hpp"

namespace reconcile {

// Merges `base` under `doc` (doc wins): body, locations (pointers whose value now comes from
// the base take the base's locations) and secrets (the base's, where its value is kept).
void merge_under(DesiredAgent& doc, const DesiredAgent& base);

// The file a base path names, checked (relative, inside the repository, existing, a regular
// file, not leaving the repository through a symbolic link): the absolute path, or the problem.
std::expected<std::filesystem::path, std::string> resolve_base_path(const std::filesystem::path& repo_root,
                                                                    const std::string& from_file,
                                                                    const std::string& written);

class BaseResolver {
public:
    // `agent_files`: the documents loaded as agents (a base cannot be one of them).
    BaseResolver(std::filesystem::path repo_root, const Schema& schema, const LoadOptions& options,
                 const std::vector<std::filesystem::path>& agent_files);
    ~BaseResolver();
    BaseResolver(const BaseResolver&) = delete;
    BaseResolver& operator=(const BaseResolver&) = delete;

    // Reads `extends` from agent.body (it is removed) and merges the bases under the document.
    // Problems with the `extends` entries are reported at the entry; problems inside a base at
    // the base's file and line (once, however many documents extend it).
    void apply(DesiredAgent& agent, LoadResult& out);

    // After every document: the bases' own diagnostics and their file names (added to
    // out.state.files), and their names and contents appended to `digest_input`.
    void finish(LoadResult& out, std::string& digest_input);

private:
    struct Base;
    const Base& load(const std::filesystem::path& file, const std::string& display, const std::string& key,
                     std::vector<std::string>& chain, LoadResult& out);
    // Merges the bases listed in `doc.body["extends"]` under `doc`; `chain` holds the files being
    // resolved (for cycles). Returns false when one of them failed.
    bool extend(DesiredAgent& doc, std::vector<std::string>& chain, LoadResult& out, Diagnostics& report);

    std::filesystem::path root_;
    const Schema& schema_;
    LoadOptions options_;
    std::set<std::string> agent_files_;  // repo-relative
    std::map<std::string, std::unique_ptr<Base>> cache_;   // real path -> base
    std::map<std::string, std::string> cache_display_;     // real path -> repo-relative path
    std::map<std::string, std::string> files_;             // repo-relative path -> content
    Diagnostics diagnostics_;
};

// The passes between reading an agent document and reading its reconciler keys: `extends`
// (options.bases), then `${var:}` (options.environment).
void compose_document(DesiredAgent& agent, const Schema& schema, const LoadOptions& options, LoadResult& out);

}  // namespace reconcile
