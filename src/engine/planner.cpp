// Desired + live -> Plan. Pure: no I/O, no clock, no logging.
#include "reconcile/engine/planner.hpp"

#include <algorithm>
#include <unordered_map>

#include "reconcile/engine/diff.hpp"
#include "reconcile/engine/document_diff.hpp"
#include "reconcile/engine/fingerprint.hpp"
#include "reconcile/engine/matching.hpp"
#include "reconcile/engine/secrets.hpp"
#include "reconcile/engine/shard.hpp"
#include "reconcile/model/api_paths.hpp"
#include "reconcile/util/phone.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

namespace {

// Deleting more than this share of a workspace of at least kMassDeleteMinimum agents needs
// --allow-mass-delete (octoDNS's safety threshold).
constexpr std::size_t kMassDeleteMinimum = 10;
constexpr double kMassDeleteShare = 0.30;

std::string holder_text(const PhoneNumber& n) {
    std::string holder = n.call_agent_name.empty() ? std::string("another agent") : "agent " + quoted(n.call_agent_name);
    return holder + " (" + (n.call_agent_uuid.empty() ? std::string("uuid unknown") : n.call_agent_uuid) + ")";
}

// Numbers whose call binding holds the agent.
std::vector<const PhoneNumber*> numbers_held_by(const std::string& agent_uuid, const LiveState& live) {
    std::vector<const PhoneNumber*> out;
    for (const auto& n : live.phone_numbers)
        if (n.call_bound && n.call_agent_uuid == agent_uuid) out.push_back(&n);
    return out;
}

// "A Sales Desk" and "a-sales desk" are the same words.
std::string name_words(std::string_view name) {
    std::string out;
    bool gap = false;
    for (char c : ascii_lower(php_trim(name))) {
        const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80;
        if (!word) {
            gap = !out.empty();
            continue;
        }
        if (gap) out += ' ';
        gap = false;
        out += c;
    }
    return out;
}

class Planner {
public:
    Planner(const DesiredState& desired, const LiveState& live, const Schema& schema, const PlanOptions& options)
        : desired_(desired), live_(live), schema_(schema), options_(options),
          matching_(match_documents(desired, live)), doc_diags_(desired.agents.size()),
          global_ignore_(options.ignore_fields) {}

    PlanResult run() {
        result_.plan.inputs_digest = desired_.inputs_digest;
        result_.plan.shard = options_.shard;
        compare_matched();
        for (std::size_t i = 0; i < desired_.agents.size(); ++i) {
            if (in_shard(desired_.agents[i].name, options_.shard)) plan_document(i);
            else claim_number_quietly(i);
        }
        for (auto& d : doc_diags_)
            for (auto& diag : d) result_.diagnostics.push_back(std::move(diag));
        if (options_.prune) prune();
        return std::move(result_);
    }

private:
    std::vector<std::string> ignored_for(const DesiredAgent& d) const {
        std::vector<std::string> all = global_ignore_;
        all.insert(all.end(), d.ignore_fields.begin(), d.ignore_fields.end());
        return all;
    }

    void error(std::size_t i, SourceLocation where, std::string message) {
        doc_diags_[i].push_back(make_error(std::move(where), std::move(message)));
    }

    void plan_document(std::size_t i) {
        const auto& d = desired_.agents[i];
        const auto& m = matching_.documents[i];
        for (auto& diag : matching_.diagnostics[i]) doc_diags_[i].push_back(diag);
        if (m.kind == MatchKind::PinnedMissing)
            error(i, d.location_of("/uuid"),
                  "agent " + quoted(d.name) + ": pinned uuid " + *d.uuid +
                      " is not in the workspace (remove `uuid:` to create a new agent)");
        if (m.kind == MatchKind::Absent) create(d);
        if (m.kind == MatchKind::Live) {
            if (auto& step = updates_[i]) result_.plan.steps.push_back(std::move(*step));
            else result_.plan.unchanged_agents.push_back(d.name);
        }
        if (d.call) call_channel(i, d, m);
    }

    void create(const DesiredAgent& d) {
        PlanStep step;
        step.action = ActionKind::Create;
        step.agent_name = d.name;
        step.source = d.where;
        json::value body = writable_copy(json::value(d.body), &schema_.root());
        if (!body.get_object().contains("name")) {
            json::object named;
            named.emplace("name", d.name);
            for (const auto& kv : body.get_object()) named.emplace(kv.key(), kv.value());
            body = std::move(named);
        }
        step.request = HttpCall{"POST", api_paths::agents(), std::move(body)};
        // What the create sets, as changes from nothing. The body holds ${env:} templates as
        // written; apply resolves them.
        step.changes = diff_agent(step.request.body.get_object(), json::object{}, schema_).changes;
        step.secrets = plan_secrets(step.request.body, d.secrets, options_.secret_key);
        step.precondition.name_absent = true;
        if (auto note = rename_note(d)) step.notes.push_back(std::move(*note));
        result_.plan.steps.push_back(std::move(step));
    }

    // The update of every matched document of the shard, or nullopt where it is unchanged. The
    // comparisons depend on nothing but their own document and live agent, so they may run at
    // once (options_.for_each_index); the plan is then assembled in document order.
    void compare_matched() {
        const std::size_t count = desired_.agents.size();
        updates_.resize(count);
        auto compare = [&](std::size_t i) {
            const auto& m = matching_.documents[i];
            if (m.kind == MatchKind::Live && in_shard(desired_.agents[i].name, options_.shard))
                updates_[i] = update(desired_.agents[i], *m.live);
        };
        if (options_.for_each_index) options_.for_each_index(count, compare);
        else for (std::size_t i = 0; i < count; ++i) compare(i);
    }

    std::optional<PlanStep> update(const DesiredAgent& d, const LiveAgent& live) const {
        const auto ignored = ignored_for(d);
        const json::object live_body = live.body();
        auto diff = diff_document(d, live_body, schema_, parse_field_patterns(ignored));
        if (diff.patch.empty()) return std::nullopt;
        PlanStep step;
        step.action = ActionKind::Update;
        step.agent_name = d.name;
        step.agent_uuid = live.uuid;
        step.source = d.where;
        // The PATCH documentation marks `name` required: every update body carries it.
        json::object body;
        body.emplace("name", d.name);
        for (auto& kv : diff.patch) body.insert_or_assign(kv.key(), std::move(kv.value()));
        step.request = HttpCall{"PATCH", api_paths::agent(live.uuid), json::value(std::move(body))};
        step.changes = std::move(diff.changes);
        step.secrets = plan_secrets(step.request.body, d.secrets, options_.secret_key);
        step.notes = std::move(diff.notes);
        step.precondition.agent_fingerprint = agent_fingerprint(live_body, schema_, ignored);
        step.precondition.ignored_fields = ignored;
        step.precondition.updated_at = live.updated_at;
        return step;
    }

    // A create without `uuid:` while an agent no document manages looks like the document's
    // previous self (it holds the document's number, or has nearly the same name): the user
    // probably renamed it, and without a pin the old agent stays live.
    // The live agents no document manages, with their names as words: computed once, not once
    // per create (a fleet's first apply creates thousands).
    const std::vector<std::pair<const LiveAgent*, std::string>>& unmanaged_words() const {
        if (!unmanaged_words_) {
            unmanaged_words_.emplace();
            for (const auto& a : live_.agents)
                if (!matching_.referenced.count(a.uuid)) unmanaged_words_->emplace_back(&a, " " + name_words(a.name) + " ");
        }
        return *unmanaged_words_;
    }

    std::optional<std::string> rename_note(const DesiredAgent& d) const {
        const PhoneNumber* number =
            d.call && live_.phone_numbers_loaded ? find_phone_number(*d.call, live_.phone_numbers) : nullptr;
        const std::string mine = name_words(d.name);
        const std::string spaced_mine = " " + mine + " ";
        const std::size_t typo_limit = std::max<std::size_t>(2, mine.size() / 3);  // as nearest_name allows
        for (const auto& [agent, spaced] : unmanaged_words()) {
            const LiveAgent& a = *agent;
            const bool same_number = number && number->call_bound && number->call_agent_uuid == a.uuid;
            const std::string_view words = std::string_view(spaced).substr(1, spaced.size() - 2);
            // Nearly the same spelling, or one name is the other with words added ("Reception" ->
            // "Reception Desk").
            const bool contained = !words.empty() && !mine.empty() &&
                                   (spaced_mine.find(spaced) != std::string::npos ||
                                    spaced.find(spaced_mine) != std::string::npos);
            // An edit distance is at least the difference of the lengths: most pairs need none.
            const std::size_t gap = words.size() > mine.size() ? words.size() - mine.size() : mine.size() - words.size();
            const bool similar = contained || words.empty() ||
                                 (gap <= typo_limit && nearest_name(mine, {std::string(words)}) == words);
            if (!same_number && !similar) continue;
            std::string note = "if this is a rename of agent " + quoted(a.name) + " (" + a.uuid + "), pin `uuid: " +
                               a.uuid + "` in this document; otherwise " + quoted(a.name) + " stays live";
            if (same_number) note += " and keeps the call channel of " + number->number;
            return note;
        }
        return std::nullopt;
    }

    // A document of another shard still holds its number: a document of this shard naming the
    // same number later is refused here as it would be in a whole-repository plan. (Its own
    // problems are reported by its own shard.)
    void claim_number_quietly(std::size_t i) {
        const auto& d = desired_.agents[i];
        if (!d.call || !live_.phone_numbers_loaded || (!d.call->phone_number && !d.call->phone_number_uuid)) return;
        const PhoneNumber* number = find_phone_number(*d.call, live_.phone_numbers);
        if (number && number->unusable_for_calls().empty()) number_claims_.emplace(number->uuid, i);
    }

    const PhoneNumber* wanted_number(std::size_t i, const DesiredAgent& d) {
        const auto& call = *d.call;
        const std::string wanted = call.phone_number ? *call.phone_number : call.phone_number_uuid.value_or("");
        if (!live_.phone_numbers_loaded) {
            error(i, call.where, "agent " + quoted(d.name) + ": the workspace's phone numbers were not read, so the "
                                 "call channel " + wanted + " cannot be planned");
            return nullptr;
        }
        const PhoneNumber* number = find_phone_number(call, live_.phone_numbers);
        if (!number) {
            error(i, call.where, "agent " + quoted(d.name) + ": phone number " + wanted + " is not in the workspace");
            return nullptr;
        }
        if (auto why = number->unusable_for_calls(); !why.empty()) {
            error(i, call.where, "agent " + quoted(d.name) + ": phone number " + number->number +
                                     " cannot take calls: " + why);
            return nullptr;
        }
        if (auto [it, inserted] = number_claims_.emplace(number->uuid, i); !inserted) {
            const auto& other = desired_.agents[it->second];
            error(i, call.where, "agent " + quoted(d.name) + ": phone number " + number->number +
                                     " is also the call channel of agent " + quoted(other.name) + " (" +
                                     (other.call ? other.call->where.str() : other.where.str()) +
                                     "); a number answers for one agent");
            return nullptr;
        }
        return number;
    }

    void call_channel(std::size_t i, const DesiredAgent& d, const DocumentMatch& m) {
        if (!d.call->phone_number && !d.call->phone_number_uuid) return;  // the loader reports this
        const PhoneNumber* number = wanted_number(i, d);
        if (!number || (m.kind != MatchKind::Live && m.kind != MatchKind::Absent)) return;
        const std::string agent_uuid = m.kind == MatchKind::Live ? m.live->uuid : std::string{};
        std::vector<std::string> moves;
        if (!agent_uuid.empty())
            for (const PhoneNumber* held : numbers_held_by(agent_uuid, live_))
                if (held->uuid != number->uuid) moves.push_back(held->number);
        if (number->call_bound && !agent_uuid.empty() && number->call_agent_uuid == agent_uuid) {
            for (const auto& old : moves)
                doc_diags_[i].push_back(make_warning(
                    d.call->where, "agent " + quoted(d.name) + " also holds the call channel of " + old +
                                       ", which this document does not name; the API has no documented way to "
                                       "release a number: release it in the dashboard, or provision it to another "
                                       "agent"));
            return;  // already holds
        }
        if (number->call_bound) {
            std::string message = "agent " + quoted(d.name) + ": the call channel of " + number->number +
                                  " is held by " + holder_text(*number) +
                                  "; release it there first, or choose another number";
            // The holder no document manages may be this document's previous self.
            if (m.kind == MatchKind::Absent && !matching_.referenced.count(number->call_agent_uuid))
                message += "; if this document renames that agent, pin `uuid: " + number->call_agent_uuid +
                           "` in it";
            error(i, d.call->where, std::move(message));
            return;
        }
        PlanStep step;
        step.action = ActionKind::ProvisionCall;
        step.agent_name = d.name;
        step.agent_uuid = agent_uuid;
        step.source = d.call->where;
        step.request = HttpCall{"POST",
                                api_paths::call_provision(agent_uuid.empty() ? api_paths::kCreatedAgent : agent_uuid),
                                json::object{{"phone_number_uuid", number->uuid}}};
        step.precondition.phone_number_uuid = number->uuid;
        step.phone_number = number->number;
        for (const auto& old : moves)
            step.notes.push_back("moves the agent from " + old + " to " + number->number + ": the agent keeps the call "
                                 "channel of " + old + " too, because the API has no documented way to release a "
                                 "number; release it in the dashboard, or provision it to another agent");
        result_.plan.steps.push_back(std::move(step));
    }

    bool prune_ignored(const LiveAgent& a) const {
        return std::any_of(options_.prune_ignore.begin(), options_.prune_ignore.end(),
                           [&](const std::string& glob) { return glob_match_text(glob, php_trim(a.name)); });
    }

    // Live agents no document manages are deleted, unless a prune.ignore glob names them; a
    // workspace-sized delete needs a second yes.
    void prune() {
        std::vector<const LiveAgent*> doomed;
        std::size_t doomed_everywhere = 0;  // in every shard: each shard's guard decides alike
        for (const auto& a : live_.agents) {
            if (matching_.referenced.count(a.uuid) || prune_ignored(a)) continue;
            ++doomed_everywhere;
            if (in_shard(a.name, options_.shard)) doomed.push_back(&a);
        }
        std::sort(doomed.begin(), doomed.end(), [](auto* x, auto* y) { return std::tie(x->name, x->uuid) < std::tie(y->name, y->uuid); });
        const std::size_t total = live_.agents.size();
        if (!options_.allow_mass_delete && total >= kMassDeleteMinimum &&
            static_cast<double>(doomed_everywhere) > kMassDeleteShare * static_cast<double>(total)) {
            result_.diagnostics.push_back(make_error(
                SourceLocation{}, "prune would delete " + format_count(doomed_everywhere) + " of the workspace's " +
                                      format_count(total) + " agents (more than 30%); nothing is planned. If that "
                                      "is intended pass --allow-mass-delete; to keep agents, add their names to "
                                      "prune.ignore in reconcile.yaml"));
            return;
        }
        for (const LiveAgent* a : doomed) {
            PlanStep step;
            step.action = ActionKind::Delete;
            step.agent_name = a->name;
            step.agent_uuid = a->uuid;
            step.request = HttpCall{"DELETE", api_paths::agent(a->uuid), nullptr};
            step.precondition.agent_fingerprint = agent_fingerprint(a->body(), schema_, global_ignore_);
            step.precondition.ignored_fields = global_ignore_;
            step.precondition.updated_at = a->updated_at;
            step.notes.push_back("no document manages this agent (pruning)");
            for (const PhoneNumber* held : numbers_held_by(a->uuid, live_))
                step.notes.push_back("it holds the call channel of " + held->number +
                                     "; deleting the agent is assumed to release it");
            result_.plan.steps.push_back(std::move(step));
        }
    }

    const DesiredState& desired_;
    const LiveState& live_;
    const Schema& schema_;
    const PlanOptions& options_;
    Matching matching_;
    std::vector<Diagnostics> doc_diags_;  // per document, reported in document order
    std::vector<std::optional<PlanStep>> updates_;  // per document: compare_matched()
    std::vector<std::string> global_ignore_;
    std::unordered_map<std::string, std::size_t> number_claims_;  // phone uuid -> document index
    mutable std::optional<std::vector<std::pair<const LiveAgent*, std::string>>> unmanaged_words_;
    PlanResult result_;
};

}  // namespace

PlanResult make_plan(const DesiredState& desired, const LiveState& live, const Schema& schema,
                     const PlanOptions& options) {
    return Planner(desired, live, schema, options).run();
}

}  // namespace reconcile
