#pragma once
#include <string>

#include "reconcile/apply/agent_api.hpp"
#include "reconcile/remote/https_transport.hpp"

namespace reconcile {

// Parses an API envelope: returns `data` on 2xx, or an ApiError built from
// {success:false, message, error:{code, details, field}} (or a Malformed error).
ApiResult<json::value> parse_envelope(const std::string& method, const std::string& path,
                                      const HttpResponse& response);

// Whether an answer is a success whose body parse_envelope reads as JSON (a 2xx status with a
// JSON Content-Type, or none).
bool is_json_success(const HttpResponse& response);

// An ApiError of `kind` for one request.
ApiError api_error(ApiError::Kind kind, const std::string& method, const std::string& path, unsigned status,
                   std::string message);

}  // namespace reconcile
