#include "reconcile/config/reconciler_keys.hpp"

#include "reconcile/model/field_pattern.hpp"
#include "reconcile/util/phone.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

namespace {

void extract_ignore(DesiredAgent& agent, const Schema& schema, const ReportError& error) {
    auto* ig = agent.body.if_contains("ignore");
    if (!ig) return;
    if (ig->is_array()) {
        const auto& items = ig->get_array();
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (!items[i].is_string()) continue;  // mistyped: reported while typing
            std::string text(items[i].get_string());
            if (auto problem = field_path_problem(text, schema))
                error(agent.location_of("/ignore/" + std::to_string(i)), "`ignore`: " + *problem);
            else
                agent.ignore_fields.push_back(std::move(text));
        }
    }
    agent.body.stable_erase("ignore");
}

void extract_uuid(DesiredAgent& agent, const ReportError& error) {
    auto* u = agent.body.if_contains("uuid");
    if (!u) return;
    if (u->is_string()) {
        auto trimmed = php_trim(u->get_string());
        if (trimmed.empty()) error(agent.location_of("/uuid"), "`uuid` is empty");
        else agent.uuid = std::string(trimmed);
    }
    agent.body.stable_erase("uuid");  // keeps the written key order
}

void check_call_binding(DesiredAgent& agent, const json::object& c, const ReportError& error) {
    CallBinding binding;
    binding.where = agent.location_of("/channels/call");
    binding.phone_number = get_string(c, "phone_number");
    binding.phone_number_uuid = get_string(c, "phone_number_uuid");
    if (binding.phone_number && binding.phone_number_uuid) {
        error(binding.where, "`channels.call`: give either `phone_number` or `phone_number_uuid`, not both");
    } else if (!binding.phone_number && !binding.phone_number_uuid) {
        if (!c.contains("phone_number") && !c.contains("phone_number_uuid"))
            error(binding.where, "`channels.call`: give `phone_number` (E.164) or `phone_number_uuid`");
    } else if (binding.phone_number && !is_e164(*binding.phone_number)) {
        error(agent.location_of("/channels/call/phone_number"),
              "`channels.call.phone_number`: " + quote_for_message(*binding.phone_number) +
                  " is not an E.164 number (a + then 7 to 15 digits, e.g. +390701234567)");
    } else if (binding.phone_number_uuid && php_trim(*binding.phone_number_uuid).empty()) {
        error(agent.location_of("/channels/call/phone_number_uuid"), "`channels.call.phone_number_uuid` is empty");
    } else {
        agent.call = std::move(binding);
    }
}

void extract_channels(DesiredAgent& agent, const ReportError& error) {
    auto* ch = agent.body.if_contains("channels");
    if (!ch) return;
    if (ch->is_object()) {
        if (auto* call = ch->get_object().if_contains("call"); call && call->is_object())
            check_call_binding(agent, call->get_object(), error);
    }
    agent.body.stable_erase("channels");
}

}  // namespace

void extract_reconciler_keys(DesiredAgent& agent, const Schema& schema, const ReportError& error) {
    extract_ignore(agent, schema, error);
    extract_uuid(agent, error);
    extract_channels(agent, error);
}

}  // namespace reconcile
