#pragma once
// Builds a simulated workspace from a seed document:
//
//   {"agents": [agent...], "phone_numbers": [number...]}
//
// An agent is a full or partial agent body: the contract's defaults fill what it leaves out,
// "agent_uuid", "created_at" and "updated_at" may be given (else generated), and fields the
// contract does not know are kept (to play a live service that returns more than the client
// knows). A phone number:
//
//   {"number": "+390701234567",                (required)
//    "phone_number_uuid": "...", "country_code": "IT", "type": "local", "status": "active",
//    "capabilities": {"voice": true, "sms": true, ...},        (merged onto the defaults)
//    "bindings": {"call": {"agent_uuid": "...", "call_setting_uuid": "..."}, "sms": ..., ...},
//    "provisioning": {"success": false, "message": "carrier rejected the number"}}
//
// "provisioning" forces the outcome of provisioning this number's call channel (success false:
// refused with that message, nothing bound; success true: bound whatever its status and
// capabilities say).
#include <boost/json.hpp>
#include <expected>
#include <string>

#include "contract.hpp"
#include "store.hpp"

namespace mihu_sim {

// A fresh store (clock and uuid stream from their start); the error names the seed's field.
std::expected<Store, std::string> load_seed(const json::value& seed, const Contract& contract);

}  // namespace mihu_sim
