#include "reconcile/config/bases.hpp"

#include <algorithm>
#include <fstream>
#include <system_error>

#include "reconcile/config/file_reader.hpp"
#include "reconcile/config/inside_repository.hpp"
#include "reconcile/config/vars.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

namespace fs = std::filesystem;

namespace {

// Merges `b` under `d` (d wins); `taken` collects the pointers whose whole value came from b.
// Keys keep the base's order, the document's own keys follow.
void merge_object(json::object& d, const json::object& b, const std::string& ptr, std::set<std::string>& taken) {
    json::object out;
    for (const auto& [k, bv] : b) {
        const auto child = pointer_append(ptr, k);
        if (auto* dv = d.if_contains(k)) {
            if (dv->is_object() && bv.is_object()) merge_object(dv->get_object(), bv.get_object(), child, taken);
            out.emplace(k, std::move(*dv));
        } else {
            out.emplace(k, bv);
            taken.insert(child);
        }
    }
    for (auto& [k, dv] : d)
        if (!b.contains(k)) out.emplace(k, std::move(dv));
    d = std::move(out);
}

// True when `pointer` or one of its ancestors came from the base.
bool from_base(std::string pointer, const std::set<std::string>& taken) {
    while (!pointer.empty()) {
        if (taken.count(pointer)) return true;
        pointer.resize(pointer.rfind('/'));
    }
    return false;
}

std::string relative_to(const fs::path& file, const fs::path& root) {
    return file.lexically_relative(root).generic_string();
}

}  // namespace

void merge_under(DesiredAgent& doc, const DesiredAgent& base) {
    std::set<std::string> taken;
    merge_object(doc.body, base.body, "", taken);
    for (const auto& [pointer, where] : base.locations)
        if (from_base(std::string(pointer), taken)) doc.locations[pointer] = where;
    for (const auto& secret : base.secrets)
        if (from_base(secret.pointer, taken)) doc.secrets.push_back(secret);
}

std::expected<fs::path, std::string> resolve_base_path(const fs::path& repo_root, const std::string& from_file,
                                                       const std::string& written) {
    if (written.empty()) return std::unexpected("is empty");
    if (written.front() == '/' || written.find('\\') != std::string::npos ||
        (written.size() > 1 && written[1] == ':'))
        return std::unexpected("must be a relative path (relative to the file that extends it)");
    std::error_code ec;
    fs::path root = fs::absolute(repo_root, ec).lexically_normal();
    fs::path candidate = ((root / from_file).parent_path() / written).lexically_normal();
    fs::path rel = candidate.lexically_relative(root);
    if (rel.empty() || *rel.begin() == ".." || rel == ".")
        return std::unexpected("is outside the repository (a base must be a file inside it)");
    if (!fs::exists(fs::symlink_status(candidate, ec))) return std::unexpected("does not exist");
    fs::path real_root = fs::canonical(root, ec);
    if (ec) real_root = root;
    auto real = resolve_inside(real_root, candidate);
    if (!real && real.error().reason == OutsideReason::Unresolvable)
        return std::unexpected("cannot be resolved: " + real.error().detail);
    if (!real) return std::unexpected("resolves outside the repository (through a symbolic link)");
    if (!fs::is_regular_file(*real, ec)) return std::unexpected("is not a file");
    return candidate;
}

struct BaseResolver::Base {
    std::string display;
    DesiredAgent doc;  // its own bases merged in, `extends` removed
    bool ok = true;
};

BaseResolver::BaseResolver(fs::path repo_root, const Schema& schema, const LoadOptions& options,
                           const std::vector<fs::path>& agent_files)
    : schema_(schema), options_(options) {
    std::error_code ec;
    root_ = fs::absolute(repo_root, ec).lexically_normal();
    options_.bases = nullptr;
    options_.base_document = true;
    for (const auto& f : agent_files) agent_files_.insert(relative_to(fs::absolute(f, ec).lexically_normal(), root_));
}

BaseResolver::~BaseResolver() = default;

void BaseResolver::apply(DesiredAgent& agent, LoadResult& out) {
    std::vector<std::string> chain;
    extend(agent, chain, out, out.diagnostics);
}

bool BaseResolver::extend(DesiredAgent& doc, std::vector<std::string>& chain, LoadResult& out, Diagnostics& report) {
    auto* ext = doc.body.if_contains("extends");
    if (!ext) return true;
    std::vector<std::pair<std::string, std::string>> entries;  // text, pointer
    if (ext->is_string()) {
        entries.emplace_back(std::string(ext->get_string()), "/extends");
    } else if (ext->is_array()) {
        const auto& items = ext->get_array();
        for (std::size_t i = 0; i < items.size(); ++i)
            if (items[i].is_string())  // mistyped items: reported by the loader
                entries.emplace_back(std::string(items[i].get_string()), pointer_append("/extends", i));
    }
    doc.body.stable_erase("extends");
    bool ok = true;
    std::vector<const Base*> bases;
    for (const auto& [text, pointer] : entries) {
        const auto where = doc.location_of(pointer);
        const std::string what = "`extends`: base " + quote_for_message(text) + " ";
        auto path = resolve_base_path(root_, doc.where.file, text);
        if (!path) {
            report.push_back(make_error(where, what + path.error()));
            ok = false;
            continue;
        }
        const std::string rel = relative_to(*path, root_);
        if (agent_files_.count(rel)) {
            report.push_back(make_error(where, what + "is an agent document (matched by the include globs); keep "
                                                      "bases outside them, e.g. under bases/"));
            ok = false;
            continue;
        }
        std::error_code ec;
        const std::string key = fs::canonical(*path, ec).generic_string();
        if (std::find(chain.begin(), chain.end(), key) != chain.end()) {
            std::string cycle;
            bool in_cycle = false;
            for (const auto& c : chain) {
                if (c == key) in_cycle = true;
                if (in_cycle) cycle += cache_display_.at(c) + " -> ";
            }
            report.push_back(make_error(where, "`extends` makes a cycle: " + cycle + rel));
            ok = false;
            continue;
        }
        const Base& base = load(*path, rel, key, chain, out);
        if (!base.ok) ok = false;
        bases.push_back(&base);
    }
    // A later base wins over an earlier one; the document wins over all.
    for (auto it = bases.rbegin(); it != bases.rend(); ++it) merge_under(doc, (*it)->doc);
    return ok;
}

const BaseResolver::Base& BaseResolver::load(const fs::path& file, const std::string& display, const std::string& key,
                                             std::vector<std::string>& chain, LoadResult& out) {
    if (auto it = cache_.find(key); it != cache_.end()) return *it->second;
    auto base = std::make_unique<Base>();
    base->display = display;
    cache_display_[key] = display;
    const SourceLocation at_file{display};
    auto text = read_bounded_file(file, options_.max_file_bytes);  // never blocks, never too much
    if (!text) {
        diagnostics_.push_back(make_error(at_file, text.error()));
        base->ok = false;
    } else {
        std::string content = std::move(*text);
        LoadResult loaded;
        load_yaml_text(content, display, schema_, options_, loaded);
        files_[display] = std::move(content);
        if (has_errors(loaded.diagnostics)) base->ok = false;
        diagnostics_.insert(diagnostics_.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
        auto& secrets = out.state.secret_values;
        for (auto& v : loaded.state.secret_values)
            if (std::find(secrets.begin(), secrets.end(), v) == secrets.end()) secrets.push_back(v);
        auto& docs = loaded.state.agents;
        if (docs.size() > 1) {
            diagnostics_.push_back(make_error(docs[1].where, "a base file holds one document; this is a second one"));
            base->ok = false;
        } else if (docs.empty() && base->ok) {
            diagnostics_.push_back(make_error(SourceLocation{display, 1, 1},
                                              "a base file holds one document (a mapping of fields); this one is empty"));
            base->ok = false;
        }
        if (!docs.empty()) base->doc = std::move(docs.front());
        chain.push_back(key);
        if (!extend(base->doc, chain, out, diagnostics_)) base->ok = false;
        chain.pop_back();
    }
    auto [it, inserted] = cache_.emplace(key, std::move(base));
    return *it->second;
}

void BaseResolver::finish(LoadResult& out, std::string& digest_input) {
    out.diagnostics.insert(out.diagnostics.end(), diagnostics_.begin(), diagnostics_.end());
    diagnostics_.clear();
    for (const auto& [display, content] : files_) {
        out.state.files.push_back(display);
        digest_input += "base";
        digest_input += '\0';
        digest_input += display;
        digest_input += '\0';
        digest_input += std::to_string(content.size());
        digest_input += '\0';
        digest_input += content;
    }
    std::sort(out.state.files.begin(), out.state.files.end());
    out.state.files.erase(std::unique(out.state.files.begin(), out.state.files.end()), out.state.files.end());
}

void compose_document(DesiredAgent& agent, const Schema& schema, const LoadOptions& options, LoadResult& out) {
    if (agent.body.contains("extends")) {
        if (options.bases) {
            options.bases->apply(agent, out);
        } else {
            out.diagnostics.push_back(make_error(agent.location_of("/extends"),
                                                 "`extends` is resolved only when a repository is loaded"));
            agent.body.stable_erase("extends");
        }
    }
    substitute_vars(agent, schema, options, out);
}

}  // namespace reconcile
