#pragma once
// The one walker that turns a FieldChange into diff lines, shared by every rendering of plans
// and drift.
#include <string>
#include <vector>

#include "reconcile/model/plan.hpp"

namespace reconcile {

// Which side of a FieldChange the "-" lines show.
enum class DiffDirection {
    LiveToDesired,  // a plan: "-" live (before), "+" desired (after)
    DesiredToLive,  // drift: "-" git (after), "+" live (before)
};

// Lines of a diff listing for one change: "- path: old" / "+ path: new"; multi-line texts as a
// line diff under "@@ path @@"; lists item by item (only the fields the desired items give).
// `created`: the field is new (a create), so only "+" lines.
std::vector<std::string> change_diff_lines(const FieldChange& change, DiffDirection direction,
                                           std::size_t context_lines, bool created = false);

}  // namespace reconcile
