#include "reconcile/engine/lint.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "reconcile/util/json.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

namespace {

bool is_secret(const DesiredAgent& agent, std::string_view pointer) {
    return std::any_of(agent.secrets.begin(), agent.secrets.end(),
                       [&](const SecretRef& s) { return s.pointer == pointer; });
}

class Linter {
public:
    Linter(const DesiredAgent& agent, Diagnostics& out) : agent_(agent), out_(out), body_(agent.body) {}

    void run() {
        hollow();
        language_match();
        routing_rules();
        guard_rules();
        min_max_pairs();
        inert_assignments();
    }

private:
    // The value at a pointer into the body, or nullptr.
    const json::value* at(std::string_view pointer) const { return find_pointer(body_, pointer); }

    // A string the service will keep: not null, not blank (the service trims and stores "" as null).
    bool has_text(std::string_view pointer) const {
        const auto* v = at(pointer);
        return v && v->is_string() && !php_trim(v->get_string()).empty();
    }
    // The string at a pointer when it is plain text (not a template), trimmed.
    std::optional<std::string> plain_text(const std::string& pointer) const {
        if (!has_text(pointer) || is_secret(agent_, pointer)) return std::nullopt;
        return std::string(php_trim(at(pointer)->get_string()));
    }

    void warn(const std::string& pointer, std::string message, std::string_view why) {
        out_.push_back(make_warning(agent_.location_of(pointer), std::move(message) + " (" + std::string(why) + ")"));
    }

    void hollow() {
        std::string fields;
        for (const char* f : {"role", "objective", "tone", "behavior_guidelines", "language"})
            if (!has_text(std::string("/") + f)) fields += (fields.empty() ? "`" : ", `") + std::string(f) + "`";
        const auto* voice = at("/settings/voice");
        const auto* text = at("/settings/text");
        const bool no_block = !(voice && voice->is_object()) && !(text && text->is_object());
        if (fields.empty() && !no_block) return;
        std::string what;
        if (!fields.empty()) what = "no " + fields;
        if (no_block) what += std::string(what.empty() ? "" : "; ") + "no `settings.voice` or `settings.text` block";
        warn("", "agent " + quote_for_message(agent_.name) + " has " + what,
             "hollow agents respond generically; the API asks for at least role, objective, tone, "
             "behavior_guidelines, language and the channel's settings block");
    }

    void language_match() {
        auto agent_language = plain_text("/language");
        auto voice_language = plain_text("/settings/voice/voice_profile/language");
        if (!agent_language || !voice_language) return;
        // "en" and "en-US" speak the same language: compare the primary subtags.
        auto primary = [](const std::string& s) { return ascii_lower(s.substr(0, s.find_first_of("-_"))); };
        if (primary(*agent_language) == primary(*voice_language)) return;
        warn("/settings/voice/voice_profile/language",
             "`settings.voice.voice_profile.language` is " + quote_for_message(*voice_language) + " but `language` is " +
                 quote_for_message(*agent_language),
             "the agent's language drives speech recognition and replies; the API asks for the voice's to match");
    }

    // destination_type + destination, or destination_agent_uuid when the type is agent.
    bool has_destination(const std::string& item) const {
        auto type = plain_text(item + "/destination_type");
        if (type && ascii_lower(*type) == "agent") return has_text(item + "/destination_agent_uuid");
        return has_text(item + "/destination") && has_text(item + "/destination_type");
    }

    const json::array* list(std::string_view pointer) const {
        const auto* v = at(pointer);
        return v && v->is_array() ? &v->get_array() : nullptr;
    }

    void routing_rules() {
        const auto* rules = list("/routing_rules");
        if (!rules) return;
        std::map<double, std::size_t> priorities;
        for (std::size_t i = 0; i < rules->size(); ++i) {
            if (!(*rules)[i].is_object()) continue;
            const std::string item = pointer_append("/routing_rules", i);
            const std::string shown = "`" + pointer_to_display(item) + "`";
            if (auto mode = plain_text(item + "/detection_mode")) {
                if ((*mode == "intent" || *mode == "both") && !has_text(item + "/ai_prompt"))
                    warn(item + "/detection_mode", shown + ": detection_mode " + *mode + " needs `ai_prompt`",
                         "without it intent detection has nothing to act on and the rule never fires");
                if ((*mode == "exact" || *mode == "both") && !has_text(item + "/trigger_keyword"))
                    warn(item + "/detection_mode", shown + ": detection_mode " + *mode + " needs `trigger_keyword`",
                         "exact matching has no keyword to match");
            }
            if (!has_text(item + "/destination") && !has_text(item + "/destination_agent_uuid"))
                warn(item, shown + " has no `destination` or `destination_agent_uuid`",
                     "a routing rule transfers the call; with nowhere to send it the transfer fails");
            if (const auto* p = at(item + "/priority"); p && p->is_number()) {
                auto [it, inserted] = priorities.emplace(p->to_number<double>(), i);
                if (!inserted)
                    warn(item + "/priority",
                         shown + ": priority " + short_value(*p) + " is also the priority of `routing_rules[" +
                             std::to_string(it->second) + "]`",
                         "rules are evaluated by priority; between equal ones the order is undefined");
            }
        }
    }

    void guard_rules() {
        const auto* rules = list("/guard_rules");
        if (!rules) return;
        for (std::size_t i = 0; i < rules->size(); ++i) {
            if (!(*rules)[i].is_object()) continue;
            const std::string item = pointer_append("/guard_rules", i);
            const std::string shown = "`" + pointer_to_display(item) + "`";
            auto action = plain_text(item + "/then_action");
            if (action == "forward" && !has_destination(item))
                warn(item + "/then_action",
                     shown + " forwards but has no destination: give `destination_type` and `destination`, or "
                             "`destination_type: agent` and `destination_agent_uuid`",
                     "the API needs them to forward; without them the guard fires and goes nowhere");
            if (action == "end_conversation" && !has_text(item + "/say_before_end"))
                warn(item + "/then_action", shown + " ends the conversation with no `say_before_end`",
                     "the customer is cut off without a word");
        }
    }

    void min_max_pairs() {
        static constexpr std::array<std::array<std::string_view, 3>, 5> pairs = {{
            {"/settings/text/timing_and_delay", "typing_speed_wpm_min", "typing_speed_wpm_max"},
            {"/settings/text/timing_and_delay", "delay_jitter_min", "delay_jitter_max"},
            {"/settings/text/message_behavior/second_message_behavior", "delay_min", "delay_max"},
            {"/settings/text/message_behavior/follow_up_behavior", "delay_min", "delay_max"},
            {"/settings/voice/interruption/advanced", "min_endpointing_delay", "max_endpointing_delay"},
        }};
        for (const auto& [block, low_key, high_key] : pairs) {
            const std::string low = std::string(block) + "/" + std::string(low_key);
            const std::string high = std::string(block) + "/" + std::string(high_key);
            const auto* lo = at(low);
            const auto* hi = at(high);
            if (!lo || !hi || !lo->is_number() || !hi->is_number()) continue;
            if (lo->to_number<double>() <= hi->to_number<double>()) continue;
            warn(low, "`" + pointer_to_display(low) + "` (" + short_value(*lo) + ") is above `" + std::string(high_key) +
                          "` (" + short_value(*hi) + ")",
                 "a minimum above its maximum leaves no value between them");
        }
    }

    void inert_assignments() {
        const auto* enabled = at("/appointment_scheduling_enabled");
        const auto* assignments = list("/appointments/schedule_assignments");
        if (!enabled || !enabled->is_bool() || enabled->get_bool() || !assignments || assignments->empty()) return;
        warn("/appointment_scheduling_enabled",
             "`appointment_scheduling_enabled` is false but `appointments.schedule_assignments` lists " +
                 std::to_string(assignments->size()) + " assignment(s)",
             "the API: when the master switch is false, all schedule assignments are inert");
    }

    const DesiredAgent& agent_;
    Diagnostics& out_;
    json::value body_;  // find_pointer works on values
};

}  // namespace

Diagnostics lint_agent(const DesiredAgent& agent) {
    Diagnostics out;
    Linter(agent, out).run();
    return out;
}

Diagnostics lint(const DesiredState& state) {
    Diagnostics out;
    for (const auto& agent : state.agents) {
        auto found = lint_agent(agent);
        out.insert(out.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    }
    return out;
}

}  // namespace reconcile
