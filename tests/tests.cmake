# Tests: doctest unit tests of the engine (native, sanitized, and wasm under node via ctest).
file(GLOB CS_ENGINE_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/engine/*.cpp)
add_executable(convscope_tests ${CMAKE_SOURCE_DIR}/tests/test_main.cpp ${CS_ENGINE_TEST_SOURCES})
target_link_libraries(convscope_tests PRIVATE convscope_engine)
# stb_image_write's JPEG encoder shifts negative values by design: not the project's code to check.
if(CS_SANITIZE)
  set_source_files_properties(${CMAKE_SOURCE_DIR}/tests/engine/stb_image_write_impl.cpp
    PROPERTIES COMPILE_OPTIONS "-fno-sanitize=shift")
endif()
target_include_directories(convscope_tests PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests)
target_compile_definitions(convscope_tests PRIVATE
  CS_TEST_DATA_DIR="${CMAKE_SOURCE_DIR}/tests"
  CS_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
  CS_CLI_PATH="$<TARGET_FILE:convscope>")
if(EMSCRIPTEN)
  cs_web_node_program(convscope_tests)
endif()
# Once per CPU family (src/engine/cpu.h), each run forcing every CPU-dependent kernel to it; a family
# this CPU lacks is reported as not run, by name (the test main's exit 77 is ctest's "skipped").
if(EMSCRIPTEN)
  set(CS_TEST_CPU_FAMILIES scalar simd128)
else()
  set(CS_TEST_CPU_FAMILIES scalar avx2 avx512)
endif()
foreach(family ${CS_TEST_CPU_FAMILIES})
  add_test(NAME engine_${family} COMMAND convscope_tests --cpu=${family})
  set_tests_properties(engine_${family} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()

# CLI tests: shell scripts in tests/cli run against the built convscope (native only).
if(NOT EMSCRIPTEN)
  file(GLOB CS_CLI_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cli/*.sh)
  foreach(t ${CS_CLI_TESTS})
    get_filename_component(name ${t} NAME_WE)
    add_test(NAME cli_${name} COMMAND bash ${t} $<TARGET_FILE:convscope> ${CMAKE_SOURCE_DIR})
  endforeach()
  # Under ASan every image and step costs ~5x: the sanitizer lane runs the same code on smaller
  # workloads (memory errors show on the first image as on the last); the plain lane runs them whole.
  if(CS_SANITIZE)
    set_tests_properties(cli_digitnet_shipped PROPERTIES ENVIRONMENT CS_SHIPPED_LIMIT=500)
    set_tests_properties(cli_bench_runs PROPERTIES ENVIRONMENT CS_BENCH_CASES=L1,M1-b1)
    set_tests_properties(cli_digitnet_train_resume PROPERTIES ENVIRONMENT CS_RESUME_TRAIN=200)
    set_tests_properties(cli_digitnet_learns PROPERTIES ENVIRONMENT "CS_LEARN_TRAIN=1600;CS_LEARN_TEST=300;CS_LEARN_FLOOR=40")
    set_tests_properties(cli_digitnet_predict PROPERTIES ENVIRONMENT CS_PREDICT_IMAGES=16)
    set_tests_properties(cli_digitnet_photo_sheet PROPERTIES ENVIRONMENT CS_PREDICT_IMAGES=8)
    set_tests_properties(cli_op_random PROPERTIES ENVIRONMENT OP_RANDOM_CASES=40)
  endif()
endif()

# scripts/setup.sh's deb-src twin (scripts/apt_sources.sh) on made-up /etc/apt trees of both layouts.
if(NOT EMSCRIPTEN)
  add_test(NAME setup_apt_sources COMMAND bash ${CMAKE_SOURCE_DIR}/tests/scripts/setup_apt_sources.sh ${CMAKE_SOURCE_DIR})
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
