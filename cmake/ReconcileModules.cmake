# One static library per module folder (src/<module>, include/reconcile/<module>), with the
# layering enforced by the build:
#
#   reconcile_module(<name> SOURCES ... DEPENDS <modules> PACKAGES <imported targets> [PURE])
#
# - DEPENDS lists the reconcile modules it may use; they and PACKAGES are linked PRIVATE.
# - At generate time, the target's link libraries must be exactly those: a later
#   target_link_libraries(reconcile_engine ... spdlog::spdlog) anywhere fails the build.
# - At build time, every source and public header of the module is scanned: an
#   #include "reconcile/<m>/..." of a module it does not depend on fails the build, and so does
#   any text PURE forbids (see RECONCILE_PURE_FORBIDS).
include_guard(GLOBAL)

# What a pure module (no I/O, no clock, no logging, no environment) must not mention.
set(RECONCILE_PURE_FORBIDS
  "#include <filesystem>" "#include <fstream>" "#include <iostream>" "#include <thread>"
  "#include <random>" "#include <yaml" "#include <libfyaml" "#include <spdlog" "#include <boost/beast"
  "#include <boost/asio" "#include <openssl/ssl" "getenv" "system_clock" "steady_clock" "std::cout"
  "std::cerr" "fopen")

function(reconcile_module name)
  cmake_parse_arguments(M "PURE" "" "SOURCES;DEPENDS;PACKAGES" ${ARGN})
  set(target reconcile_${name})
  file(GLOB headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/reconcile/${name}/*.hpp)
  file(GLOB private_headers CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.hpp)
  set(scanned)
  foreach(s ${M_SOURCES} ${private_headers})
    get_filename_component(abs ${s} ABSOLUTE)
    list(APPEND scanned ${abs})
  endforeach()
  list(APPEND scanned ${headers})

  set(forbid)
  if(M_PURE)
    set(forbid ${RECONCILE_PURE_FORBIDS})
  endif()
  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${name}.layering-checked)
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} "-DMODULE=${name}" "-DALLOWED=${M_DEPENDS}" "-DFORBID=${forbid}"
            "-DFILES=${scanned}" "-DSTAMP=${stamp}" -P ${PROJECT_SOURCE_DIR}/cmake/CheckLayering.cmake
    DEPENDS ${scanned} ${PROJECT_SOURCE_DIR}/cmake/CheckLayering.cmake
    COMMENT "Checking the layering of module ${name}"
    VERBATIM)

  add_library(${target} STATIC ${M_SOURCES} ${stamp})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  set(links)
  foreach(dep ${M_DEPENDS})
    list(APPEND links reconcile_${dep})
  endforeach()
  list(APPEND links ${M_PACKAGES})
  if(links)
    target_link_libraries(${target} PRIVATE ${links})
  endif()
  set_property(TARGET ${target} PROPERTY RECONCILE_ALLOWED_LINKS "${links}")
  set_property(GLOBAL APPEND PROPERTY RECONCILE_MODULES ${target})
endfunction()

# Called once every CMakeLists.txt has run: a module that gained a link it did not declare
# fails the build here.
function(reconcile_check_module_links)
  get_property(modules GLOBAL PROPERTY RECONCILE_MODULES)
  foreach(target ${modules})
    get_target_property(actual ${target} LINK_LIBRARIES)
    get_target_property(allowed ${target} RECONCILE_ALLOWED_LINKS)
    foreach(lib ${actual})
      if(lib MATCHES "^::@")  # marks a link added from another directory; the name follows
        continue()
      endif()
      if(NOT lib IN_LIST allowed)
        message(FATAL_ERROR "${target} links ${lib}, which its reconcile_module() line does not allow "
                            "(allowed: ${allowed}). The layering is written at the top of ARCHITECTURE.md.")
      endif()
    endforeach()
  endforeach()
endfunction()
