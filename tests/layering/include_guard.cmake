# Runs the build-time check the engine module gets on (1) its real sources, which must pass, and
# (2) a probe that includes <filesystem>, a config header and calls getenv, which must fail on
# each of the three lines.
include(${SOURCE_DIR}/cmake/ReconcileModules.cmake)
file(GLOB engine_files ${SOURCE_DIR}/src/engine/*.cpp ${SOURCE_DIR}/include/reconcile/engine/*.hpp)
execute_process(
  COMMAND ${CMAKE_COMMAND} -DMODULE=engine "-DALLOWED=model;util" "-DFORBID=${RECONCILE_PURE_FORBIDS}"
          "-DFILES=${engine_files}" -DSTAMP=${WORK_DIR}/engine.probe-ok -P ${SOURCE_DIR}/cmake/CheckLayering.cmake
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the engine's own sources fail the layering check:\n${err}")
endif()
execute_process(
  COMMAND ${CMAKE_COMMAND} -DMODULE=engine "-DALLOWED=model;util" "-DFORBID=${RECONCILE_PURE_FORBIDS}"
          "-DFILES=${PROBE}" -DSTAMP=${WORK_DIR}/engine.probe-bad -P ${SOURCE_DIR}/cmake/CheckLayering.cmake
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "the probe passed the layering check; the guard did not fire")
endif()
foreach(expected "impure_engine_source.cpp:2: module engine is pure and may not use `#include <filesystem>`"
                 "impure_engine_source.cpp:4: module engine may not include reconcile/config/"
                 "impure_engine_source.cpp:6: module engine is pure and may not use `getenv`")
  string(REPLACE "\n  " " " flat "${err}")
  string(FIND "${flat}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected `${expected}` in:\n${err}")
  endif()
endforeach()
message(STATUS "the guard refused the impure probe, line by line")
