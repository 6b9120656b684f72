// Drift renderings: text, JSON, Markdown.
#include "reconcile/report/drift_report.hpp"

#include "reconcile/report/change_lines.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

namespace {

std::string channel_problem(const ChannelDrift& c) {
    switch (c.kind) {
        case ChannelDrift::Kind::Unbound: return c.phone_number + " is not bound to any agent";
        case ChannelDrift::Kind::HeldByOther:
            return c.phone_number + " is held by " +
                   (c.holder_name.empty() ? std::string("another agent") : "agent " + quoted(c.holder_name)) + " (" +
                   (c.holder_uuid.empty() ? std::string("uuid unknown") : c.holder_uuid) + ")";
        case ChannelDrift::Kind::NumberMissing: return c.phone_number + " is not in the workspace";
        case ChannelDrift::Kind::NotInGit:
            return "the agent also holds the call channel of " + c.phone_number +
                   ", which git does not name (release it in the dashboard, or provision it to another agent)";
    }
    return {};
}

std::string missing_reason(const MissingAgent& m) {
    return m.pinned_uuid ? "pinned uuid " + *m.pinned_uuid + " is not in the workspace"
                         : std::string("no live agent has this name");
}

json::object source_json(const SourceLocation& where) {
    return json::object{{"file", where.file}, {"line", where.line}, {"column", where.column}};
}

// "1 agent differs, 1 missing, 2 unmanaged, 1 call channel" (the parts that are not zero).
std::string counts_text(const DriftReport& r) {
    std::vector<std::string> parts;
    if (!r.drifted.empty()) parts.push_back(count_of(r.drifted.size(), "agent differs", "agents differ") + " from git");
    if (!r.missing.empty()) parts.push_back(format_count(r.missing.size()) + " missing from the workspace");
    if (!r.unmanaged.empty()) parts.push_back(format_count(r.unmanaged.size()) + " unmanaged");
    if (!r.channels.empty())
        parts.push_back(count_of(r.channels.size(), "call channel", "call channels") + " not as declared");
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : ", ") + parts[i];
    return out;
}

}  // namespace

std::string render_drift_text(const DriftReport& report, const DriftRenderOptions& options) {
    std::string out;
    auto line = [&](std::size_t indent, std::string_view text) {
        out.append(indent, ' ');
        out += text;
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += '\n';
    };
    for (const auto& a : report.drifted) {
        line(0, "~ agent " + quoted(a.name) + " (" + a.uuid + ") differs from " + a.source.file_line() + ": " +
                    count_of(a.fields.size(), "field", "fields") + " (- git, + live)");
        for (const auto& c : a.fields)
            for (const auto& l : change_diff_lines(c, DiffDirection::DesiredToLive, options.context_lines)) line(4, l);
        out += '\n';
    }
    for (const auto& mi : report.missing)
        line(0, "- agent " + quoted(mi.name) + " is missing from the workspace: " + missing_reason(mi) + " (" +
                    mi.source.file_line() + ")");
    for (const auto& c : report.channels)
        line(0, "! call channel of agent " + quoted(c.agent_name) + ": " + channel_problem(c) + " (" +
                    c.source.file_line() + ")");
    for (const auto& u : report.unmanaged)
        line(0, "? agent " + quoted(u.name) + " (" + u.uuid + ") is not managed by any document");
    if (!report.ignored_unmanaged.empty())
        line(0, count_of(report.ignored_unmanaged.size(), "agent", "agents") +
                    " left unmanaged on purpose (prune.ignore) not reported");
    if (!report.missing.empty() || !report.channels.empty() || !report.unmanaged.empty()) out += '\n';

    if (!report.has_drift()) {
        line(0, "No drift. The workspace matches git (" + count_of(report.in_sync.size(), "agent", "agents") + " in sync).");
    } else {
        std::string summary = "Drift: " + counts_text(report) + ".";
        if (!report.in_sync.empty()) summary += " " + format_count(report.in_sync.size()) + " in sync.";
        line(0, summary);
    }
    return out;
}

json::value drift_to_json(const DriftReport& report) {
    json::array drifted;
    for (const auto& a : report.drifted) {
        json::array fields;
        for (const auto& c : a.fields)
            fields.push_back(json::object{{"path", c.path}, {"live", c.before}, {"desired", c.after},
                                          {"collection", c.collection}});
        drifted.push_back(json::object{
            {"name", a.name}, {"uuid", a.uuid}, {"source", source_json(a.source)}, {"fields", std::move(fields)}});
    }
    json::array missing;
    for (const auto& mi : report.missing) {
        json::object o{{"name", mi.name}, {"source", source_json(mi.source)}, {"reason", missing_reason(mi)}};
        o["pinned_uuid"] = mi.pinned_uuid ? json::value(*mi.pinned_uuid) : json::value(nullptr);
        missing.push_back(std::move(o));
    }
    json::array unmanaged;
    for (const auto& u : report.unmanaged)
        unmanaged.push_back(json::object{{"name", u.name}, {"uuid", u.uuid}, {"updated_at", u.updated_at}});
    json::array channels;
    for (const auto& c : report.channels)
        channels.push_back(json::object{{"agent_name", c.agent_name},
                                        {"agent_uuid", c.agent_uuid},
                                        {"source", source_json(c.source)},
                                        {"kind", to_string(c.kind)},
                                        {"phone_number", c.phone_number},
                                        {"phone_number_uuid", c.phone_number_uuid},
                                        {"holder_uuid", c.holder_uuid},
                                        {"holder_name", c.holder_name},
                                        {"message", channel_problem(c)}});
    json::array in_sync;
    for (const auto& n : report.in_sync) in_sync.push_back(json::string(n));
    json::array diagnostics;
    for (const auto& dg : report.diagnostics)
        diagnostics.push_back(json::object{{"severity", dg.severity == Severity::Error ? "error" : "warning"},
                                           {"source", source_json(dg.where)},
                                           {"message", dg.message}});
    json::object summary{{"drifted", report.drifted.size()},
                         {"missing", report.missing.size()},
                         {"unmanaged", report.unmanaged.size()},
                         {"ignored_unmanaged", report.ignored_unmanaged.size()},
                         {"channels", report.channels.size()},
                         {"in_sync", report.in_sync.size()}};
    return json::object{{"format_version", 1},
                        {"has_drift", report.has_drift()},
                        {"summary", std::move(summary)},
                        {"drifted", std::move(drifted)},
                        {"missing", std::move(missing)},
                        {"unmanaged", std::move(unmanaged)},
                        {"channels", std::move(channels)},
                        {"in_sync", std::move(in_sync)},
                        {"diagnostics", std::move(diagnostics)}};
}

std::string render_drift_markdown(const DriftReport& report, const MarkdownOptions& options) {
    std::string summary = "### reconcile drift\n\n";
    if (!report.has_drift()) {
        summary += "**No drift.** The workspace matches git (" +
                   count_of(report.in_sync.size(), "agent", "agents") + " in sync).\n";
    } else {
        summary += "**Drift:** " + counts_text(report) + ".";
        if (!report.in_sync.empty()) summary += " " + format_count(report.in_sync.size()) + " in sync.";
        summary += "\n\n";
    }
    auto names_of = [](const auto& items, auto name) {
        std::vector<std::string> out;
        for (const auto& item : items) out.push_back(name(item));
        return out;
    };
    struct Group {
        std::string_view sign, title;
        std::vector<std::string> names;
    };
    const Group groups[] = {
        {"~", "differs from git", names_of(report.drifted, [](const DriftedAgent& a) { return a.name; })},
        {"-", "missing from the workspace", names_of(report.missing, [](const MissingAgent& a) { return a.name; })},
        {"!", "call channel not as declared", names_of(report.channels, [](const ChannelDrift& c) { return c.agent_name; })},
        {"+", "unmanaged (in the workspace, in no document)",
         names_of(report.unmanaged, [](const UnmanagedAgent& a) { return a.name; })}};
    const std::size_t budget = options.max_chars / 3 / 4;
    for (const auto& g : groups) {
        if (g.names.empty()) continue;
        summary += "- `" + std::string(g.sign) + "` **" + std::string(g.title) + "** (" + format_count(g.names.size()) +
                   "): " + markdown_name_list(g.names, options.max_names, budget) + "\n";
    }
    if (!report.diagnostics.empty()) {
        summary += "\n" + count_of(report.diagnostics.size(), "document", "documents") + " could not be checked:\n";
        for (std::size_t i = 0; i < report.diagnostics.size() && i < options.max_names / 10; ++i)
            summary += "- " + markdown_escape(report.diagnostics[i].format()) + "\n";
    }

    const std::size_t detail_max = std::min(options.max_detail_chars, options.max_chars / 2);
    std::vector<std::string> details;
    for (const auto& a : report.drifted) {
        std::vector<std::string> lines;
        for (const auto& c : a.fields) {
            auto more = change_diff_lines(c, DiffDirection::DesiredToLive, options.context_lines);
            lines.insert(lines.end(), more.begin(), more.end());
        }
        details.push_back(markdown_details(
            "~ <b>" + markdown_escape(a.name) + "</b> differs from git (" +
                count_of(a.fields.size(), "field", "fields") + ")",
            "<sub>" + markdown_escape(a.source.file_line() + " · " + a.uuid) + "</sub><br>`-` git, `+` live", lines, {},
            detail_max));
    }
    // The other findings, one block each, in the same "- git / + live" terms.
    auto listing = [&](std::string_view title, std::vector<std::string> lines) {
        if (!lines.empty()) details.push_back(markdown_details(title, "`-` git, `+` live", lines, {}, detail_max));
    };
    listing("- missing from the workspace (" + format_count(report.missing.size()) + ")",
            names_of(report.missing, [](const MissingAgent& mi) {
                return "- " + quoted(mi.name) + " (" + mi.source.file_line() + "): " + missing_reason(mi);
            }));
    {
        std::vector<std::string> lines;
        for (const auto& c : report.channels) {
            lines.push_back("- " + quoted(c.agent_name) + " channels.call: " + c.phone_number + " (" +
                            c.source.file_line() + ")");
            lines.push_back("+ " + quoted(c.agent_name) + ": " + channel_problem(c));
        }
        listing("! call channels (" + format_count(report.channels.size()) + ")", std::move(lines));
    }
    listing("+ unmanaged agents (" + format_count(report.unmanaged.size()) + ")",
            names_of(report.unmanaged, [](const UnmanagedAgent& u) { return "+ " + quoted(u.name) + " (" + u.uuid + ")"; }));
    return assemble_markdown(summary, details, "finding", "findings",
                             "run `reconcile drift` or download the drift artifact", options.max_chars);
}

}  // namespace reconcile
