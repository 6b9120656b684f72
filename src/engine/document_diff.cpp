// One document against its live agent: secrets compared by value and shown by template, fields
// the dashboard owns left out.
#include "reconcile/engine/document_diff.hpp"

#include "reconcile/engine/secrets.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

namespace {

// `inner` is `outer` or below it.
bool within(std::string_view inner, std::string_view outer) {
    return inner == outer || (inner.size() > outer.size() && inner.substr(0, outer.size()) == outer &&
                              inner[outer.size()] == '/' && !outer.empty()) ||
           outer.empty();
}

// The change at `change_pointer` shows `secret` by template on both sides.
void mask_change(FieldChange& change, std::string_view change_pointer, const SecretRef& secret) {
    const std::string_view rest = std::string_view(secret.pointer).substr(change_pointer.size());
    json::value* after = rest.empty() ? &change.after : find_pointer(change.after, rest);
    json::value* before = rest.empty() ? &change.before : find_pointer(change.before, rest);
    bool same = false;
    if (before && secret.value) {
        const std::string_view wanted = php_trim(secret.value->reveal());
        same = before->is_string() ? before->get_string() == wanted : wanted.empty() && before->is_null();
    }
    const std::string_view state = same ? "unchanged" : "changed";
    if (after) *after = json::string(secret_shown(secret, state));
    if (before && !before->is_null()) *before = json::string(secret_shown(secret, same ? "unchanged" : "old value"));
}

}  // namespace

AgentDiff diff_document(const DesiredAgent& document, const json::object& live, const Schema& schema,
                        const std::vector<FieldPattern>& ignored) {
    if (document.secrets.empty() && ignored.empty()) return diff_agent(document.body, live, schema);
    // Compare with the values; nothing built from this copy leaves the function.
    json::value resolved(document.body);
    remove_matches(resolved, ignored);
    for (const auto& s : document.secrets)
        if (json::value* v = find_pointer(resolved, s.pointer); v && s.value) *v = json::string(s.value->reveal());
    AgentDiff diff = diff_agent(resolved.get_object(), live, schema);

    for (std::size_t i = 0; i < diff.changes.size(); ++i)
        for (const auto& s : document.secrets)
            if (within(s.pointer, diff.change_pointers[i])) mask_change(diff.changes[i], diff.change_pointers[i], s);
    json::value patch(std::move(diff.patch));
    for (const auto& s : document.secrets)
        if (json::value* v = find_pointer(patch, s.pointer)) *v = json::string(s.template_text);
    if (!ignored.empty() && !patch.get_object().empty())
        keep_live_values(patch, writable_copy(json::value(live), &schema.root()), ignored, schema.root());
    diff.patch = std::move(patch.get_object());
    return diff;
}

}  // namespace reconcile
