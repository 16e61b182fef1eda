# Tests: doctest unit tests of the engine (native, sanitized, and wasm under node via ctest).
file(GLOB CS_ENGINE_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/engine/*.cpp)
add_executable(convscope_tests ${CMAKE_SOURCE_DIR}/tests/test_main.cpp ${CS_ENGINE_TEST_SOURCES})
target_link_libraries(convscope_tests PRIVATE convscope_engine)
target_include_directories(convscope_tests PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests)
target_compile_definitions(convscope_tests PRIVATE
  CS_TEST_DATA_DIR="${CMAKE_SOURCE_DIR}/tests"
  CS_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
  CS_CLI_PATH="$<TARGET_FILE:convscope>")
if(EMSCRIPTEN)
  cs_web_node_program(convscope_tests)
endif()
add_test(NAME engine COMMAND convscope_tests)

# CLI tests: shell scripts in tests/cli run against the built convscope (native only).
if(NOT EMSCRIPTEN)
  file(GLOB CS_CLI_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cli/*.sh)
  foreach(t ${CS_CLI_TESTS})
    get_filename_component(name ${t} NAME_WE)
    add_test(NAME cli_${name} COMMAND bash ${t} $<TARGET_FILE:convscope> ${CMAKE_SOURCE_DIR})
  endforeach()
  # Under ASan the two full 10,000-image passes of the shipped-weights test take a minute on one core
  # while the other idles: the sanitizer lane checks the same code on the first 2,000 images.
  if(CS_SANITIZE AND TEST cli_digitnet_shipped)
    set_tests_properties(cli_digitnet_shipped PROPERTIES ENVIRONMENT CS_SHIPPED_LIMIT=2000)
  endif()
endif()

# The engine must not know the UI or the platform (STYLE.md): checked on every test run.
add_test(NAME engine_has_no_ui_includes
  COMMAND bash -c "! grep -rnE '#include *[<\"](imgui|SDL|GL/|GLES|emscripten)' '${CMAKE_SOURCE_DIR}/src/engine'")

# UI logic without a GPU: colour maps and the panels' view models (*_model.cpp).
if(TARGET cs_app_pure)
  file(GLOB CS_APP_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/app/*.cpp)
  add_executable(convscope_app_tests ${CMAKE_SOURCE_DIR}/tests/test_main.cpp ${CS_APP_TEST_SOURCES})
  target_link_libraries(convscope_app_tests PRIVATE cs_app_pure)
  target_include_directories(convscope_app_tests PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests)
  target_compile_definitions(convscope_app_tests PRIVATE CS_TEST_DATA_DIR="${CMAKE_SOURCE_DIR}/tests")
  if(EMSCRIPTEN)
    cs_web_node_program(convscope_app_tests)
  endif()
  add_test(NAME app COMMAND convscope_app_tests)
endif()
