#pragma once
// Lint: documents that load and validate but will not behave as meant, going by the guidance of
// the API's documentation. Every finding is a warning "MESSAGE (WHY)", located at the field:
//
// - `language` differs from settings.voice.voice_profile.language;
// - an agent without role, objective, tone, behavior_guidelines or language, or with neither a
//   settings.voice nor a settings.text block (hollow agents respond generically);
// - a routing rule whose detection_mode needs ai_prompt (intent, both) or trigger_keyword
//   (exact, both) and lacks it, or that has no destination to transfer to;
// - a guard rule that forwards with no destination (destination_type + destination, or
//   destination_agent_uuid when the type is agent), or ends the conversation with no
//   say_before_end;
// - two routing rules with the same priority;
// - a minimum above its maximum (typing speeds, delays, endpointing delays);
// - schedule assignments while appointment_scheduling_enabled is false (they are inert).
//
// A value written as an `${env:}` template counts as present and is never compared. Pure.
#include "reconcile/model/desired_state.hpp"
#include "reconcile/model/diagnostics.hpp"

namespace reconcile {

Diagnostics lint_agent(const DesiredAgent& agent);
// Every agent, in order.
Diagnostics lint(const DesiredState& state);

}  // namespace reconcile
