#pragma once
// `reconcile export`: live agents -> YAML documents a repository can adopt as they are.
//
// An exported document loads with no diagnostics and plans no change against the agent it came
// from: it pins `uuid:`, writes the agent's writable fields in the schema's order (the API's),
// leaves out everything the loader would reject (read-only fields, item `uuid`s, fields the
// schema does not know, values of the wrong type), and declares the call channel the agent
// holds. It writes only what a person would: a field equal to the schema's `default` (or null
// where the schema declares none) is left out, and so is an object left with nothing in it,
// so an agent created from an 18-line document exports to about those 18 lines. Pure: no I/O.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reconcile/model/live_state.hpp"
#include "reconcile/model/schema.hpp"
#include "reconcile/report/slug.hpp"
#include "reconcile/report/yaml_writer.hpp"

namespace reconcile {

struct ExportOptions {
    // Written as the first line so editors check the file against the schema; relative to the
    // file's own directory (agents/<slug>.yaml -> ../schemas/...). Empty: no such line.
    std::string schema_path = "../schemas/agent.schema.json";
};

struct ExportedAgent {
    std::string yaml;                 // one YAML document, ending with a newline
    // Live fields that could not be written (display path: why), e.g. a value whose type the
    // schema does not allow, or a second number held by the agent. Empty for ordinary agents.
    std::vector<std::string> left_out;
};

// The document for one live agent. `numbers` are the workspace's phone numbers: one whose call
// binding holds this agent becomes `channels: {call: {phone_number: ...}}`.
ExportedAgent export_agent(const LiveAgent& agent, const std::vector<PhoneNumber>& numbers,
                           const Schema& schema, const ExportOptions& options = {});
std::string export_agent_yaml(const LiveAgent& agent, const std::vector<PhoneNumber>& numbers,
                              const Schema& schema);

struct ExportFile {
    std::string path;                 // "agents/<slug>.yaml", unique
    std::string agent_uuid;
    std::string agent_name;
    ExportedAgent document;
};

// One file per live agent, sorted by path. Agents whose slugs collide are ordered by
// created_at, then uuid: the oldest keeps "<slug>.yaml", the others get "<slug>-2.yaml",
// "<slug>-3.yaml", ... (skipping names another agent's own slug takes), so the names do not
// depend on the order the API lists agents in.
std::vector<ExportFile> plan_export_files(const std::vector<LiveAgent>& agents,
                                          const std::vector<PhoneNumber>& numbers, const Schema& schema,
                                          std::string_view directory = "agents",
                                          const ExportOptions& options = {});

}  // namespace reconcile
