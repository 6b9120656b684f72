#include "reconcile/config/repository.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string_view>
#include <system_error>

#include "reconcile/util/text.hpp"
#include "reconcile/model/field_pattern.hpp"
#include "reconcile/model/schema.hpp"
#include "reconcile/config/yaml_location.hpp"

namespace reconcile {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kConfigFile = "reconcile.yaml";
constexpr std::size_t kMaxConfigBytes = 1024 * 1024;

std::vector<std::string_view> split_segments(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (true) {
        auto next = s.find('/', pos);
        out.push_back(s.substr(pos, next == std::string_view::npos ? next : next - pos));
        if (next == std::string_view::npos) break;
        pos = next + 1;
    }
    return out;
}

// `*` (any run of characters) and `?` (one character) inside one path segment. Iterative with a
// single backtrack point, so it is linear-ish and never explodes on patterns like `*a*a*a*b`.
bool match_segment(std::string_view pat, std::string_view s) {
    std::size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
    while (i < s.size()) {
        if (p < pat.size() && (pat[p] == '?' || pat[p] == s[i])) {
            ++p;
            ++i;
        } else if (p < pat.size() && pat[p] == '*') {
            star = p++;
            mark = i;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            i = ++mark;
        } else {
            return false;
        }
    }
    while (p < pat.size() && pat[p] == '*') ++p;
    return p == pat.size();
}

bool has_wildcard(std::string_view segment) {
    return segment.find_first_of("*?") != std::string_view::npos;
}

SourceLocation mark_location(const std::string& file, const YAML::Node& n) {
    SourceLocation where{file};
    if (n.IsDefined() && !n.IsNull()) {
        auto m = n.Mark();
        if (!m.is_null() && m.line >= 0) {
            where.line = m.line + 1;
            where.column = m.column + 1;
        }
    }
    return where;
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
    for (auto seg : split_segments(p)) {
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

// Reads reconcile.yaml into out.config.
// A list of strings (a single string is accepted as a one-item list), each with where it is written.
std::vector<std::pair<std::string, SourceLocation>> string_list(const std::string& file, const YAML::Node& key,
                                                                const YAML::Node& value, const std::string& name,
                                                                Diagnostics& diagnostics) {
    std::vector<std::pair<std::string, SourceLocation>> out;
    const auto kloc = mark_location(file, key);
    std::vector<YAML::Node> items;
    if (value.IsNull()) return out;
    if (value.IsSequence()) {
        for (const auto& item : value) items.push_back(item);
    } else if (value.IsScalar()) {
        items.push_back(value);
    } else {
        diagnostics.push_back(make_error(kloc, "`" + name + "` must be a list of strings"));
        return out;
    }
    for (const auto& item : items) {
        auto iloc = mark_location(file, item);
        if (iloc.line == 0) iloc = kloc;
        if (!item.IsScalar()) {
            diagnostics.push_back(make_error(iloc, "`" + name + "` entries must be strings"));
            continue;
        }
        out.emplace_back(item.Scalar(), iloc);
    }
    return out;
}

// reconcile.yaml as JSON (scalars as their text) with where each pointer was written (a key's
// position for mapping entries), for config/environments.cpp.
json::value yaml_to_json(const std::string& file, const YAML::Node& n, const std::string& ptr,
                         std::map<std::string, SourceLocation>& where) {
    if (auto loc = mark_location(file, n); loc.line > 0) where.emplace(ptr, loc);
    if (n.IsMap()) {
        json::object o;
        for (auto it = n.begin(); it != n.end(); ++it) {
            const YAML::Node k = it->first;
            const std::string key = k.IsScalar() ? k.Scalar() : std::string();
            const auto child = pointer_append(ptr, key);
            if (auto loc = mark_location(file, k); loc.line > 0) where[child] = loc;
            o[key] = yaml_to_json(file, it->second, child, where);
        }
        return o;
    }
    if (n.IsSequence()) {
        json::array a;
        for (const auto& item : n) a.push_back(yaml_to_json(file, item, pointer_append(ptr, a.size()), where));
        return a;
    }
    if (n.IsScalar()) return json::string(n.Scalar());
    return nullptr;
}

IncludePositions read_config(const fs::path& root, RepositoryFiles& out) {
    IncludePositions positions;
    const std::string file(kConfigFile);
    std::error_code ec;
    fs::path path = root / file;
    if (!fs::exists(path, ec)) return positions;
    auto size = fs::file_size(path, ec);
    if (ec) {
        out.diagnostics.push_back(make_error(SourceLocation{file}, "cannot read file: " + ec.message()));
        return positions;
    }
    if (size > kMaxConfigBytes) {
        out.diagnostics.push_back(make_error(SourceLocation{file}, "file is larger than 1 MiB"));
        return positions;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    YAML::Node doc;
    try {
        doc = YAML::Load(buf.str());
    } catch (const YAML::Exception& e) {
        SourceLocation where = yaml_location(file, e.mark);
                out.diagnostics.push_back(make_error(where, "malformed YAML: " + e.msg));
        return positions;
    }
    if (!doc.IsDefined() || doc.IsNull()) return positions;  // empty file: defaults
    if (!doc.IsMap()) {
        out.diagnostics.push_back(make_error(mark_location(file, doc), "reconcile.yaml must be a mapping"));
        return positions;
    }
    static const std::vector<std::string> kKeys = {"include", "api_url", "ignore", "prune", "environments"};
    std::map<std::string, bool> seen;
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        // Copies: the iterator hands out a temporary pair.
        const YAML::Node k = it->first;
        const YAML::Node v = it->second;
        auto kloc = mark_location(file, k);
        std::string key = k.IsScalar() ? k.Scalar() : std::string();
        if (!seen.emplace(key, true).second) {
            out.diagnostics.push_back(make_error(kloc, "duplicate key `" + key + "`"));
            continue;
        }
        if (key == "include") {
            std::vector<YAML::Node> items;
            if (v.IsSequence()) {
                for (const auto& item : v) items.push_back(item);
            } else if (v.IsScalar()) {
                items.push_back(v);  // a single pattern is accepted as a one-item list
            } else {
                out.diagnostics.push_back(make_error(kloc, "`include` must be a list of glob patterns"));
                continue;
            }
            out.config.include.clear();
            positions.include_key = kloc;
            for (const auto& item : items) {
                auto iloc = mark_location(file, item);
                if (iloc.line == 0) iloc = kloc;
                if (!item.IsScalar()) {
                    out.diagnostics.push_back(make_error(iloc, "`include` entries must be strings"));
                    continue;
                }
                std::string problem;
                if (auto p = clean_pattern(item.Scalar(), problem)) {
                    out.config.include.push_back(*p);
                    positions.patterns.emplace(*p, iloc);
                } else {
                    out.diagnostics.push_back(
                        make_error(iloc, "include pattern `" + item.Scalar() + "` " + problem));
                }
            }
            if (items.empty())
                out.diagnostics.push_back(make_warning(kloc, "`include` is empty: no agent file is loaded"));
        } else if (key == "api_url") {
            if (v.IsNull()) continue;  // `api_url:` left empty = not set
            if (!v.IsScalar()) {
                out.diagnostics.push_back(make_error(kloc, "`api_url` must be a string"));
                continue;
            }
            const std::string& url = v.Scalar();
            if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
                out.diagnostics.push_back(make_error(mark_location(file, v),
                                                     "`api_url` must start with https:// (or http://)"));
                continue;
            }
            out.config.api_url = url;
        } else if (key == "ignore") {
            for (auto& [text, where] : string_list(file, k, v, "ignore", out.diagnostics)) {
                if (auto problem = field_path_problem(text, Schema::agent()))
                    out.diagnostics.push_back(make_error(where, "`ignore`: " + *problem));
                else
                    out.config.ignore_fields.push_back(std::move(text));
            }
        } else if (key == "prune") {
            if (v.IsNull()) continue;
            if (!v.IsMap()) {
                out.diagnostics.push_back(make_error(kloc, "`prune` must be a mapping such as `prune: {ignore: [\"Legacy *\"]}`"));
                continue;
            }
            for (auto pit = v.begin(); pit != v.end(); ++pit) {
                const YAML::Node pk = pit->first;
                const YAML::Node pv = pit->second;
                const std::string pkey = pk.IsScalar() ? pk.Scalar() : std::string();
                if (pkey != "ignore") {
                    out.diagnostics.push_back(make_error(mark_location(file, pk),
                                                         "unknown key `" + pkey + "` in `prune` (known keys: ignore)"));
                    continue;
                }
                for (auto& [glob, where] : string_list(file, pk, pv, "prune.ignore", out.diagnostics)) {
                    if (php_trim(glob).empty())
                        out.diagnostics.push_back(make_error(where, "`prune.ignore` entries are agent-name globs and cannot be empty"));
                    else
                        out.config.prune_ignore.push_back(std::move(glob));
                }
            }
        } else if (key == "environments") {
            std::map<std::string, SourceLocation> where;
            auto value = yaml_to_json(file, v, "", where);
            where[""] = kloc;
            out.config.environments = parse_environments(value, [&](std::string_view pointer) {
                std::string p(pointer);
                for (auto it = where.find(p); it == where.end(); it = where.find(p)) p.resize(p.rfind('/'));
                return where.at(p);
            }, out.diagnostics);
        } else if (key == "extends") {
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
    return positions;
}

// Directories below the literal part of a pattern are walked; entries whose name starts with
// '.' (.git, editor files) are skipped unless the pattern itself names a dot-entry.
// Returns the literal part (the directory, or the file of a pattern without wildcards) when it
// does not exist, else "".
std::string expand(const fs::path& root, const std::string& pattern, std::map<std::string, fs::path>& found,
            Diagnostics& diags) {
    auto segments = split_segments(pattern);
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
    fs::recursive_directory_iterator it(base, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) {
        diags.push_back(make_warning(SourceLocation{prefix.empty() ? "." : prefix},
                                     "cannot list directory: " + ec.message()));
        return {};
    }
    for (; it != end; it.increment(ec)) {
        if (ec) {
            diags.push_back(make_warning(SourceLocation{prefix.empty() ? "." : prefix},
                                         "cannot list directory: " + ec.message()));
            break;
        }
        const auto name = it->path().filename().string();
        if (!dot_allowed && !name.empty() && name.front() == '.') {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (!any_depth && it.depth() >= max_depth && it->is_directory(ec)) it.disable_recursion_pending();
        if (!it->is_regular_file(ec)) continue;
        std::string rel = it->path().lexically_relative(root).generic_string();
        if (glob_match(pattern, rel)) found.emplace(rel, it->path());
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
    for (const auto& [text, where] : *env->include) {
        std::string problem;
        if (auto p = clean_pattern(text, problem)) {
            out.config.include.push_back(*p);
            positions.patterns.emplace(*p, where);
        } else {
            out.diagnostics.push_back(make_error(where, "include pattern `" + text + "` " + problem));
        }
    }
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
    auto pat = split_segments(pattern);
    auto segs = split_segments(path);
    // Consecutive `**` are one `**`.
    std::vector<std::string_view> p;
    for (auto s : pat)
        if (!(s == "**" && !p.empty() && p.back() == "**")) p.push_back(s);
    // ok[i][j]: p[i..] matches segs[j..]
    const std::size_t P = p.size(), S = segs.size();
    std::vector<std::vector<char>> ok(P + 1, std::vector<char>(S + 1, 0));
    ok[P][S] = 1;
    for (std::size_t i = P; i-- > 0;) {
        for (std::size_t j = S + 1; j-- > 0;) {
            if (p[i] == "**") ok[i][j] = ok[i + 1][j] || (j < S && ok[i][j + 1]);
            else ok[i][j] = j < S && match_segment(p[i], segs[j]) && ok[i + 1][j + 1];
        }
    }
    return ok[0][0];
}

RepositoryFiles discover_repository(const fs::path& root, const std::optional<std::string>& environment) {
    RepositoryFiles out;
    out.config.root = root;
    auto positions = read_config(root, out);
    if (environment) select_environment(*environment, out, positions);

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
    for (auto& [rel, path] : found) out.files.push_back(fs::absolute(path));
    return out;
}

}  // namespace reconcile
