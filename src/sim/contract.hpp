#pragma once
// The simulator's own statement of the agents API contract, read from contract/agent_api.json
// (compiled into the binary). The file's "$format" key documents its notation; in short:
//
//   "name": "string required"                 a leaf: TYPE then FLAGS
//   "status": "enum(pending,ready) null"       TYPE string|integer|number|boolean|object|
//   "phrases": "list(string)"                       enum(..)|list(TYPE)|read-only
//   "background_sound_volume": "number undocumented"  FLAGS null|required|undocumented
//   "settings": {"voice": {...}}               an object with known fields ("$merge": "replace",
//                                              "$undocumented": "where" are optional)
//   "guidelines": {"$list": {...}, "$item_uuid": true, "$item_defaults": {...}}
//
// The contract is written from the API pages, never from the client's schema: the simulator is
// an independent oracle for the client.
#include <boost/json.hpp>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mihu_sim {

namespace json = boost::json;

enum class SpecType { String, Integer, Number, Boolean, FreeObject, Enum, List, Object, ReadOnly };

struct FieldSpec {
    std::string name;  // the key in its parent object ("" for roots and list items)
    SpecType type = SpecType::String;
    bool nullable = false;
    bool required = false;
    bool undocumented = false;
    std::string undocumented_where;        // Object: the page that mentions it
    std::vector<std::string> enum_values;  // Enum
    std::shared_ptr<FieldSpec> item;       // List: the element's spec
    bool item_uuid = false;                // List: elements carry a read-only "uuid"
    json::object item_defaults;            // List: keys an element gets when sent without them
    std::vector<FieldSpec> fields;         // Object: in file order
    bool replace_on_patch = false;         // Object: "$merge": "replace"

    // The field of an Object spec, or nullptr.
    const FieldSpec* field(std::string_view key) const;
    // "string", "integer or null", "one of pending, ready": for error messages.
    std::string describe() const;
};

class Contract {
public:
    // Parses a contract document; the error names the path and what is wrong.
    static std::expected<Contract, std::string> parse(std::string_view text);
    // The contract compiled into the binary (parsed once; a broken file aborts at first use).
    static const Contract& embedded();
    // The text compiled into the binary.
    static std::string_view embedded_text();

    // The body of POST /api/v1/agents and PATCH /api/v1/agents/{uuid}.
    const FieldSpec& agent() const { return agent_; }
    // The agent a create starts from, keys in the API's order.
    const json::object& agent_defaults() const { return agent_defaults_; }
    // The body of POST /api/v1/agents/{uuid}/channels/call/provision.
    const FieldSpec& provision_call() const { return provision_call_; }
    // Every field marked undocumented, as paths like "settings.voice.voice_advanced.speed" and
    // "appointments.schedule_assignments[].priority" (objects and their fields both listed).
    std::vector<std::string> undocumented_fields() const;

private:
    FieldSpec agent_;
    json::object agent_defaults_;
    FieldSpec provision_call_;
};

}  // namespace mihu_sim
