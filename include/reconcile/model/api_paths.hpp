#pragma once
// The Mihu API's paths, written once: the planner records them in plan steps, the HTTP client
// and apply send them. Paths are relative to the API base ("/api/v1").
#include <string>
#include <string_view>

namespace reconcile::api_paths {

inline constexpr std::string_view kBase = "/api/v1";
// In a plan, the uuid of an agent that an earlier step of the same plan creates.
inline constexpr std::string_view kCreatedAgent = "{uuid}";

std::string agents();                                    // "/agents"
std::string agent(std::string_view uuid);                // "/agents/{uuid}"
std::string call_provision(std::string_view agent_uuid); // "/agents/{uuid}/channels/call/provision"
std::string phone_numbers();                             // "/phone-numbers"
// A list endpoint's page: "/agents?page=2&per_page=100".
std::string page(std::string_view collection_path, int page, int per_page);

// A path with the created agent's uuid put in place of kCreatedAgent.
std::string with_created_agent(std::string_view path, std::string_view uuid);

}  // namespace reconcile::api_paths
