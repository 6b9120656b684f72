// A plan as Markdown for a GitHub pull-request comment, cut to fit the comment size limit.
#include "reconcile/report/plan_markdown.hpp"

#include <algorithm>
#include <unordered_map>

#include "reconcile/report/change_lines.hpp"
#include "reconcile/util/text.hpp"
#include "reconcile/util/utf8.hpp"

namespace reconcile {

namespace {

constexpr std::string_view kSeeAll = "run `reconcile plan` or download the plan artifact";

// --- the plan comment --------------------------------------------------------------------------

// The steps of one agent (its create or update, then its provisioning), in plan order.
struct AgentSteps {
    std::string name;
    std::vector<const PlanStep*> steps;
};

std::vector<AgentSteps> group_by_agent(const Plan& plan) {
    std::vector<AgentSteps> groups;
    std::unordered_map<std::string, std::size_t> index;  // agent key -> group
    for (const auto& s : plan.steps) {
        const std::string key = s.agent_uuid.empty() ? "name:" + s.agent_name : "uuid:" + s.agent_uuid;
        auto [it, inserted] = index.emplace(key, groups.size());
        if (inserted) groups.push_back(AgentSteps{s.agent_name, {}});
        groups[it->second].steps.push_back(&s);
    }
    return groups;
}

std::string_view action_sign(ActionKind a) {
    switch (a) {
        case ActionKind::Create: return "+";
        case ActionKind::Update: return "~";
        case ActionKind::ProvisionCall: return "+";
        case ActionKind::Delete: return "-";
    }
    return "?";
}

std::string agent_details(const AgentSteps& agent, const MarkdownOptions& options) {
    std::string summary;
    std::vector<std::string> lines, notes, origin;
    for (const PlanStep* s : agent.steps) {
        if (!summary.empty()) summary += " and ";
        const std::string name = "<b>" + markdown_escape(agent.name) + "</b>";
        switch (s->action) {
            case ActionKind::Create:
            case ActionKind::Update:
                summary += std::string(action_sign(s->action)) + " " + std::string(to_string(s->action)) + " " + name +
                           " (" + count_of(s->changes.size(), "field", "fields") + ")";
                break;
            case ActionKind::ProvisionCall:
                summary += (summary.empty() ? "+ provision call channel " + markdown_escape(s->phone_number) + " for " + name
                                            : "provision call channel " + markdown_escape(s->phone_number));
                lines.push_back("+ channels.call: " + s->phone_number);
                break;
            case ActionKind::Delete: summary += "- delete " + name; break;
        }
        for (const auto& c : s->changes) {
            auto more = change_diff_lines(c, DiffDirection::LiveToDesired, options.context_lines,
                                          s->action == ActionKind::Create);
            lines.insert(lines.end(), more.begin(), more.end());
        }
        notes.insert(notes.end(), s->notes.begin(), s->notes.end());
        std::string where = s->source.file_line();
        if (!s->agent_uuid.empty() && s->action != ActionKind::ProvisionCall) where += " · " + s->agent_uuid;
        if (!where.empty() && std::find(origin.begin(), origin.end(), where) == origin.end()) origin.push_back(where);
    }
    std::string intro;
    for (const auto& o : origin) intro += (intro.empty() ? "" : "<br>") + ("<sub>" + markdown_escape(o) + "</sub>");
    return markdown_details(summary, intro, lines, notes, std::min(options.max_detail_chars, options.max_chars / 2));
}

std::string plan_summary(const Plan& plan, const MarkdownOptions& options) {
    const auto c = plan.counts();
    std::string out = "### reconcile plan\n\n";
    std::string line = "**Plan:** " + format_count(c.create) + " to create, " + format_count(c.update) + " to update, " +
                       count_of(c.provision, "call channel", "call channels") + " to provision";
    if (c.remove > 0) line += ", " + format_count(c.remove) + " to delete";
    out += line + ".";
    if (!plan.unchanged_agents.empty())
        out += " " + count_of(plan.unchanged_agents.size(), "agent", "agents") + " unchanged.";
    out += "\n\n";

    struct Group {
        ActionKind action;
        std::string_view title;
        std::vector<std::string> names;
    };
    std::vector<Group> groups = {{ActionKind::Create, "create", {}},
                                 {ActionKind::Update, "update", {}},
                                 {ActionKind::ProvisionCall, "provision call channel", {}},
                                 {ActionKind::Delete, "delete", {}}};
    for (const auto& s : plan.steps)
        for (auto& g : groups)
            if (g.action == s.action) g.names.push_back(s.agent_name);
    // The names may take about a third of the comment, shared by the groups that have any.
    const auto used = static_cast<std::size_t>(
        std::count_if(groups.begin(), groups.end(), [](const Group& g) { return !g.names.empty(); }));
    const std::size_t budget = used == 0 ? 0 : options.max_chars / 3 / used;
    for (const auto& g : groups) {
        if (g.names.empty()) continue;
        out += "- `" + std::string(action_sign(g.action)) + "` **" + std::string(g.title) + "** (" +
               format_count(g.names.size()) + "): " + markdown_name_list(g.names, options.max_names, budget) + "\n";
    }
    return out;
}

}  // namespace

std::string render_markdown(const Plan& plan, const MarkdownOptions& options) {
    if (!plan.has_changes()) {
        std::string out = "### reconcile plan\n\n**No changes.** Live agents match the configuration";
        if (!plan.unchanged_agents.empty())
            out += " (" + count_of(plan.unchanged_agents.size(), "agent", "agents") + " checked)";
        return cut_utf8(out + ".\n", options.max_chars);
    }
    std::vector<std::string> details;
    for (const auto& agent : group_by_agent(plan)) details.push_back(agent_details(agent, options));
    return assemble_markdown(plan_summary(plan, options), details, "agent", "agents", kSeeAll, options.max_chars);
}

}  // namespace reconcile
