// A probe for the layering test: what an engine source must never contain.
#include <filesystem>

#include "reconcile/config/loader.hpp"

const char* home() { return std::getenv("HOME"); }
