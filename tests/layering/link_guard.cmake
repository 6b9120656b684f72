# Configures the project with the engine linked to spdlog: the configure step (which
# `cmake --build` re-runs whenever a CMakeLists.txt changes) must fail, naming the rule.
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR} -G ${GENERATOR} -DRECONCILE_BUILD_TESTS=OFF
          -DRECONCILE_LAYERING_PROBE=ON
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(REMOVE_RECURSE ${WORK_DIR})
if(rc EQUAL 0)
  message(FATAL_ERROR "configuring with reconcile_engine linked to spdlog succeeded; the guard did not fire")
endif()
if(NOT err MATCHES "reconcile_engine links spdlog::spdlog")
  message(FATAL_ERROR "the configure failed, but not because of the layering guard:\n${err}")
endif()
message(STATUS "the guard refused the engine -> spdlog link, as it should")
