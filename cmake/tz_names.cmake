# Writes the IANA time zone names of the system's tzdata (INPUT, a tzdata.zi file) into OUTPUT
# as a sorted C++ array: every zone ("Z NAME ...") and every link ("L TARGET NAME"), which
# includes the backward-compatible names (US/Eastern, Europe/Kiev). "Factory" is not a place.
if(NOT EXISTS "${INPUT}")
  message(FATAL_ERROR "time zone data not found at ${INPUT}: install the Debian package tzdata "
                      "(scripts/install-deps.sh does) or set RECONCILE_TZDATA to a tzdata.zi file")
endif()
file(STRINGS "${INPUT}" lines REGEX "^[ZL] ")
set(names)
foreach(line IN LISTS lines)
  string(REGEX REPLACE "[ \t]+" ";" fields "${line}")
  list(GET fields 0 kind)
  if(kind STREQUAL "Z")
    list(GET fields 1 name)
  else()
    list(GET fields 2 name)
  endif()
  if(NOT name STREQUAL "Factory")
    list(APPEND names "${name}")
  endif()
endforeach()
list(REMOVE_DUPLICATES names)
list(SORT names)
list(LENGTH names count)
if(count LESS 300)
  message(FATAL_ERROR "${INPUT} lists only ${count} time zone names; is it a tzdata.zi file?")
endif()
file(STRINGS "${INPUT}" version_line LIMIT_COUNT 1 REGEX "^# version ")
string(REPLACE "# version " "" version "${version_line}")
set(body "")
foreach(name IN LISTS names)
  string(APPEND body "    \"${name}\",\n")
endforeach()
file(WRITE "${OUTPUT}.tmp"
  "// Generated at build time from ${INPUT} (tzdata ${version}) by cmake/tz_names.cmake.\n"
  "#include <span>\n#include <string_view>\n"
  "namespace reconcile::generated {\n"
  "namespace {\nconstexpr std::string_view names[] = {\n${body}};\n}  // namespace\n"
  "extern const std::string_view tzdata_version;\n"
  "const std::string_view tzdata_version = \"${version}\";\n"
  "extern const std::span<const std::string_view> iana_zone_names;\n"
  "const std::span<const std::string_view> iana_zone_names(names);\n"
  "}\n")
# Only a changed list touches the output (and rebuilds the engine).
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
