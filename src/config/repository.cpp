#include "reconcile/config/repository.hpp"

#include <functional>
#include <map>
#include <string_view>
#include <system_error>

#include "reconcile/config/document_builder.hpp"
#include "reconcile/config/environments.hpp"
#include "reconcile/config/file_reader.hpp"
#include "reconcile/config/inside_repository.hpp"
#include "reconcile/model/field_pattern.hpp"
#include "reconcile/model/schema.hpp"
#include "reconcile/util/json.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kConfigFile = "reconcile.yaml";
constexpr std::size_t kMaxConfigBytes = 1024 * 1024;

bool has_wildcard(std::string_view segment) {
    return segment.find_first_of("*?") != std::string_view::npos;
}

// Patterns are relative, '/'-separated; "./" prefixes are dropped. nullopt = rejected.
std::optional<std::string> clean_pattern(std::string p, std::string& problem) {
    while (p.rfind("./", 0) == 0) p.erase(0, 2);
    if (p.empty()) {
        problem = "is empty";
        return std::nullopt;
    }
    if (p.front() == '/' || p.find('\\') != std::string::npos || (p.size() > 1 && p[1] == ':')) {
        problem = "must be a relative path with '/' separators (relative to the repository root)";
        return std::nullopt;
    }
    for (auto seg : split_path_segments(p)) {
        if (seg == "..") {
            problem = "must stay inside the repository (`..` is not allowed)";
            return std::nullopt;
        }
    }
    return p;
}

// Where the include list and its patterns were written in reconcile.yaml, for warnings.
struct IncludePositions {
    std::optional<SourceLocation> include_key;  // nullopt: `include:` not configured (defaults)
    std::map<std::string, SourceLocation> patterns;
};

// reconcile.yaml as JSON (every scalar a string or null) and where each part was written.
struct ConfigDocument {
    json::value value;
    BuiltDocument built;
    // Where the key of `pointer` (or the array item) was written.
    SourceLocation key(std::string_view pointer) const {
        return built.locations.find(pointer).value_or(SourceLocation{std::string(kConfigFile)});
    }
    // Where the value at `pointer` was written; the key's position when it has none (empty).
    SourceLocation value_at(std::string_view pointer) const {
        if (auto v = built.value_locations.find(pointer)) return *v;
        return key(pointer);
    }
};

class ConfigReporter final : public BuildReporter {
public:
    explicit ConfigReporter(Diagnostics& out) : out_(out) {}
    bool error(const SourceLocation& where, std::string message) override {
        out_.push_back(make_error(where, std::move(message)));
        return out_.size() < 200;
    }
    void warning(const SourceLocation& where, std::string message) override {
        out_.push_back(make_warning(where, std::move(message)));
    }

private:
    Diagnostics& out_;
};

// A list of strings (a single string is accepted as a one-item list): `each` gets every string
// with where it is written, in order. `what` names the list in messages ("prune.ignore").
using EachString = std::function<void(std::string, const SourceLocation&)>;
void string_list(const ConfigDocument& doc, const std::string& ptr, const std::string& what,
                 Diagnostics& diagnostics, const EachString& each) {
    const json::value& v = *find_pointer(doc.value, ptr);
    if (v.is_null()) return;
    if (v.is_string()) return each(std::string(v.get_string()), doc.value_at(ptr));
    if (!v.is_array()) {
        diagnostics.push_back(make_error(doc.key(ptr), "`" + what + "` must be a list of strings"));
        return;
    }
    const auto& items = v.get_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto iloc = doc.key(pointer_append(ptr, i));
        if (iloc.line == 0) iloc = doc.key(ptr);
        if (!items[i].is_string()) diagnostics.push_back(make_error(iloc, "`" + what + "` entries must be strings"));
        else each(std::string(items[i].get_string()), iloc);
    }
}

// A cleaned include pattern is kept with where it was written; a bad one is an error there.
void add_include_pattern(const std::string& text, const SourceLocation& where, RepositoryFiles& out,
                         IncludePositions& positions) {
    std::string problem;
    if (auto p = clean_pattern(text, problem)) {
        out.config.include.push_back(*p);
        positions.patterns.emplace(*p, where);
    } else {
        out.diagnostics.push_back(make_error(where, "include pattern `" + text + "` " + problem));
    }
}

void handle_include(const ConfigDocument& doc, RepositoryFiles& out, IncludePositions& positions) {
    const auto kloc = doc.key("/include");
    const json::value& v = doc.value.at("include");
    if (!v.is_string() && !v.is_array()) {
        out.diagnostics.push_back(make_error(kloc, "`include` must be a list of glob patterns"));
        return;
    }
    out.config.include.clear();
    positions.include_key = kloc;
    string_list(doc, "/include", "include", out.diagnostics, [&](std::string text, const SourceLocation& iloc) {
        add_include_pattern(text, iloc, out, positions);
    });
    if (v.is_array() && v.get_array().empty())
        out.diagnostics.push_back(make_warning(kloc, "`include` is empty: no agent file is loaded"));
}

void handle_api_url(const ConfigDocument& doc, RepositoryFiles& out) {
    const json::value& v = doc.value.at("api_url");
    if (v.is_null()) return;  // `api_url:` left empty = not set
    if (!v.is_string()) {
        out.diagnostics.push_back(make_error(doc.key("/api_url"), "`api_url` must be a string"));
        return;
    }
    std::string url(v.get_string());
    if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
        out.diagnostics.push_back(make_error(doc.value_at("/api_url"), "`api_url` must start with https:// (or http://)"));
        return;
    }
    out.config.api_url = url;
}

void handle_ignore(const ConfigDocument& doc, RepositoryFiles& out) {
    string_list(doc, "/ignore", "ignore", out.diagnostics, [&](std::string text, const SourceLocation& where) {
        if (auto problem = field_path_problem(text, Schema::agent()))
            out.diagnostics.push_back(make_error(where, "`ignore`: " + *problem));
        else
            out.config.ignore_fields.push_back(std::move(text));
    });
}

void handle_prune(const ConfigDocument& doc, RepositoryFiles& out) {
    const json::value& v = doc.value.at("prune");
    if (v.is_null()) return;
    if (!v.is_object()) {
        out.diagnostics.push_back(
            make_error(doc.key("/prune"), "`prune` must be a mapping such as `prune: {ignore: [\"Legacy *\"]}`"));
        return;
    }
    for (const auto& member : v.get_object()) {
        const std::string pkey(member.key());
        const std::string ptr = pointer_append("/prune", pkey);
        if (pkey != "ignore") {
            out.diagnostics.push_back(make_error(doc.key(ptr), "unknown key `" + pkey + "` in `prune` (known keys: ignore)"));
            continue;
        }
        string_list(doc, ptr, "prune.ignore", out.diagnostics, [&](std::string glob, const SourceLocation& where) {
            if (php_trim(glob).empty())
                out.diagnostics.push_back(make_error(where, "`prune.ignore` entries are agent-name globs and cannot be empty"));
            else
                out.config.prune_ignore.push_back(std::move(glob));
        });
    }
}

// `environments:` (config/environments.cpp), given its JSON and the positions under it.
void handle_environments(const ConfigDocument& doc, RepositoryFiles& out) {
    const auto locate = [&](std::string_view pointer) {
        // The pointer is relative to `environments`; an unwritten one takes its nearest ancestor's.
        std::string p = "/environments" + std::string(pointer);
        while (true) {
            if (auto found = doc.built.locations.find(p)) return *found;
            if (p == "/environments") return doc.key(p);
            p.resize(p.rfind('/'));
        }
    };
    out.config.environments = parse_environments(doc.value.at("environments"), locate, out.diagnostics);
}

// One handler per key of reconcile.yaml, each on the JSON value with the document's positions.
void handle_key(const std::string& key, const ConfigDocument& doc, RepositoryFiles& out, IncludePositions& positions) {
    static const std::vector<std::string> kKeys = {"include", "api_url", "ignore", "prune", "environments"};
    const auto kloc = doc.key(pointer_append("", key));
    if (key == "include") handle_include(doc, out, positions);
    else if (key == "api_url") handle_api_url(doc, out);
    else if (key == "ignore") handle_ignore(doc, out);
    else if (key == "prune") handle_prune(doc, out);
    else if (key == "environments") handle_environments(doc, out);
    else if (key == "extends") {
        // Reserved (RepositoryConfig::extends): refuse rather than silently ignore it.
        out.diagnostics.push_back(make_error(kloc, "`extends` is reserved and not supported yet"));
    } else {
        std::string msg = "unknown key `" + key + "` in reconcile.yaml";
        auto suggestion = nearest_name(key, kKeys);
        if (!suggestion.empty()) msg += "; did you mean `" + suggestion + "`?";
        else msg += " (known keys: include, api_url, ignore, prune, environments)";
        out.diagnostics.push_back(make_error(kloc, std::move(msg)));
    }
}

std::string special_file(fs::file_type type) {
    switch (type) {
        case fs::file_type::fifo: return "cannot read file: a FIFO, not a regular file; refused";
        case fs::file_type::socket: return "cannot read file: a socket, not a regular file; refused";
        case fs::file_type::block:
        case fs::file_type::character: return "cannot read file: a device, not a regular file; refused";
        case fs::file_type::not_found: return "cannot read file: a symbolic link to nothing";
        default: return "cannot read file: not a regular file; refused";
    }
}

// The resolved path is inside the resolved root (symbolic links followed).
std::optional<std::string> outside_root(const fs::path& canonical_root, const fs::path& path) {
    auto inside = resolve_inside(canonical_root, path);
    if (inside) return std::nullopt;
    if (inside.error().reason == OutsideReason::Unresolvable) return "cannot read file: " + inside.error().detail;
    return "a symbolic link to a file outside the repository; refused (files must be inside the repository)";
}

// reconcile.yaml -> JSON and positions (nullopt: absent, empty or unreadable; reported).
std::optional<ConfigDocument> read_config_document(const fs::path& root, Diagnostics& diagnostics) {
    const std::string file(kConfigFile);
    const fs::path path = root / file;
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(path, ec))) return std::nullopt;
    if (auto problem = outside_root(fs::canonical(root, ec), path)) {
        diagnostics.push_back(make_error(SourceLocation{file}, *problem));
        return std::nullopt;
    }
    auto text = read_bounded_file(path, kMaxConfigBytes);
    if (!text) {
        diagnostics.push_back(make_error(SourceLocation{file}, text.error()));
        return std::nullopt;
    }
    if (auto bad = yaml_text_problem(*text)) {
        diagnostics.push_back(make_error(SourceLocation{file, bad->mark.line, bad->mark.column}, bad->message));
        return std::nullopt;
    }
    ConfigReporter reporter(diagnostics);
    BuildOptions options;
    options.root_mapping_error = "reconcile.yaml must be a mapping";
    options.record_value_locations = true;
    auto built = build_single_document(*text, file, std::move(options), reporter);
    if (!built || built->refused || !built->value.is_object()) return std::nullopt;
    ConfigDocument doc{std::move(built->value), std::move(*built)};
    return doc;
}

IncludePositions read_config(const fs::path& root, RepositoryFiles& out) {
    IncludePositions positions;
    auto doc = read_config_document(root, out.diagnostics);
    if (!doc) return positions;
    for (const auto& member : doc->value.get_object()) handle_key(std::string(member.key()), *doc, out, positions);
    return positions;
}

// Directories below the literal part of a pattern are walked; entries whose name starts with
// '.' (.git, editor files) are skipped unless the pattern itself names a dot-entry.
// Returns the literal part (the directory, or the file of a pattern without wildcards) when it
// does not exist, else "".
std::string expand(const fs::path& root, const std::string& pattern, std::map<std::string, fs::path>& found,
            Diagnostics& diags) {
    auto segments = split_path_segments(pattern);
    std::string prefix;
    std::size_t literal = 0;
    while (literal + 1 < segments.size() && !has_wildcard(segments[literal])) {
        if (!prefix.empty()) prefix += '/';
        prefix += segments[literal++];
    }
    std::error_code ec;
    if (literal + 1 == segments.size() && !has_wildcard(segments.back())) {
        // No wildcard at all: a plain file name.
        fs::path p = root / pattern;
        if (!fs::is_regular_file(p, ec)) return pattern;
        found.emplace(pattern, p);
        return {};
    }
    bool dot_allowed = false, any_depth = false;
    for (auto seg : segments) {
        if (!seg.empty() && seg.front() == '.') dot_allowed = true;
        if (seg == "**") any_depth = true;
    }
    // Without `**` there is no need to descend below the pattern's own depth.
    const int max_depth = static_cast<int>(segments.size() - literal) - 1;
    fs::path base = prefix.empty() ? root : root / prefix;
    if (!fs::is_directory(base, ec)) return prefix;
    // An unreadable folder is an error, never a silently smaller repository.
    fs::recursive_directory_iterator it(base, fs::directory_options::none, ec), end;
    if (ec) {
        diags.push_back(make_error(SourceLocation{prefix.empty() ? "." : prefix},
                                   "cannot list directory: " + ec.message()));
        return {};
    }
    for (; it != end; it.increment(ec)) {
        if (ec) {
            diags.push_back(make_error(SourceLocation{prefix.empty() ? "." : prefix},
                                       "cannot list a directory under it: " + ec.message()));
            break;
        }
        const auto name = it->path().filename().string();
        if (!dot_allowed && !name.empty() && name.front() == '.') {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (!any_depth && it.depth() >= max_depth && it->is_directory(ec)) it.disable_recursion_pending();
        const auto type = it->status(ec).type();  // symbolic links followed
        if (type == fs::file_type::directory) continue;
        std::string rel = it->path().lexically_relative(root).generic_string();
        if (!glob_match_path(pattern, rel)) continue;
        // A FIFO, a device, a socket or a dangling link the pattern names: refused, never opened.
        if (type != fs::file_type::regular) diags.push_back(make_error(SourceLocation{rel}, special_file(type)));
        else found.emplace(rel, it->path());
    }
    return {};
}

// The chosen environment's `include` replaces the repository's.
void select_environment(const std::string& name, RepositoryFiles& out, IncludePositions& positions) {
    auto found = find_environment(out.config.environments, name);
    if (!found) {
        out.diagnostics.push_back(make_error(SourceLocation{std::string(kConfigFile)}, "--env: " + found.error()));
        return;
    }
    out.config.environment = **found;
    const auto& env = out.config.environment;
    if (!env->include) return;
    out.config.include.clear();
    positions = IncludePositions{env->include_key, {}};
    for (const auto& [text, where] : *env->include) add_include_pattern(text, where, out, positions);
}

}  // namespace

namespace {

IncludePositions read_config_for(const fs::path& root, const std::optional<std::string>& environment,
                                 RepositoryFiles& out) {
    out.config.root = root;
    auto positions = read_config(root, out);
    if (environment) select_environment(*environment, out, positions);
    return positions;
}

}  // namespace

RepositoryFiles read_repository_config(const fs::path& root, const std::optional<std::string>& environment) {
    RepositoryFiles out;
    read_config_for(root, environment, out);
    return out;
}

RepositoryFiles discover_repository(const fs::path& root, const std::optional<std::string>& environment) {
    RepositoryFiles out;
    const auto positions = read_config_for(root, environment, out);

    std::map<std::string, fs::path> found;  // relative path -> absolute; sorted, deduplicated
    for (const auto& pattern : out.config.include) {
        const std::string missing = expand(root, pattern, found, out.diagnostics);
        // With the defaults a missing agents/ directory simply means zero agents. A configured
        // pattern whose directory does not exist is most likely a typo. (A pattern that finds
        // nothing in an existing directory is normal: `*.yml` next to `*.yaml`.)
        auto loc = positions.patterns.find(pattern);
        if (!missing.empty() && loc != positions.patterns.end())
            out.diagnostics.push_back(make_warning(
                loc->second, "include pattern `" + pattern + "` matches no file: `" + missing + "` does not exist"));
    }
    if (positions.include_key && found.empty() && !out.config.include.empty())
        out.diagnostics.push_back(
            make_warning(*positions.include_key, "the include patterns match no file: no agent is loaded"));
    std::error_code ec;
    const fs::path canonical_root = fs::canonical(root, ec);
    for (auto& [rel, path] : found) {
        // A symbolic link (or a linked directory) must not lead out of the repository.
        if (auto problem = outside_root(canonical_root, path)) {
            out.diagnostics.push_back(make_error(SourceLocation{rel}, *problem));
            continue;
        }
        out.files.push_back(fs::absolute(path));
    }
    return out;
}

}  // namespace reconcile
