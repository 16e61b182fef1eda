# libFuzzer targets for every parser of untrusted bytes (IDX, safetensors, .npy, images, digits.bin).
# Configure with clang 14:
#   cmake -S . -B build/fuzz -G Ninja -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
#     -DCS_FUZZ=ON -DCS_BUILD_APP=OFF -DCS_BUILD_TESTS=OFF
# tests/fuzz/run_fuzz.sh builds them, runs each on its corpus and replays tests/fuzz/regressions.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "CS_FUZZ needs clang (libFuzzer), got ${CMAKE_CXX_COMPILER_ID}")
endif()

# The parsers (src/engine/data, and the Tensor they fill) get coverage instrumentation and
# sanitizers; only the fuzz executables link the libFuzzer main (fuzzer-no-link on the library).
# The targets reach nothing else of the engine, so only these files are built for fuzzing (the whole
# engine, GEMM kernels included, doubled the fuzz step's build), with the engine's own flags.
set(CS_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
file(GLOB CS_FUZZ_PARSER_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/engine/data/*.cpp)
add_library(cs_fuzz_parsers STATIC ${CS_FUZZ_PARSER_SOURCES} ${CMAKE_SOURCE_DIR}/src/engine/tensor.cpp)
target_include_directories(cs_fuzz_parsers PUBLIC ${CMAKE_SOURCE_DIR}/src/engine)
target_include_directories(cs_fuzz_parsers SYSTEM PUBLIC ${CS_THIRDPARTY_INCLUDES})
target_compile_definitions(cs_fuzz_parsers PUBLIC CS_VERSION="${PROJECT_VERSION}")
target_compile_options(cs_fuzz_parsers PRIVATE -fsanitize=fuzzer-no-link ${CS_FUZZ_SANITIZERS} -g
  -ffp-contract=fast -fno-math-errno)

# The guided lesson parser and predicate checker (src/app/course_file.cpp, course_check.cpp): pure
# app code whose sentences come from the UI string table.
add_library(cs_fuzz_course STATIC ${CMAKE_SOURCE_DIR}/src/app/course_file.cpp ${CMAKE_SOURCE_DIR}/src/app/course_check.cpp
  ${CMAKE_SOURCE_DIR}/src/app/ui_strings.cpp)
target_include_directories(cs_fuzz_course PUBLIC ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/src/app)
target_link_libraries(cs_fuzz_course PUBLIC cs_fuzz_parsers)
target_compile_options(cs_fuzz_course PRIVATE -fsanitize=fuzzer-no-link ${CS_FUZZ_SANITIZERS} -g)

foreach(name idx safetensors image npy course digit_bundle)
  add_executable(fuzz_${name} ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_${name}.cpp)
  target_include_directories(fuzz_${name} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(fuzz_${name} PRIVATE cs_fuzz_parsers cs_fuzz_course)
  target_compile_options(fuzz_${name} PRIVATE -fsanitize=fuzzer ${CS_FUZZ_SANITIZERS} -g)
  target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer ${CS_FUZZ_SANITIZERS})
endforeach()

# `ctest` in the fuzz build folder: replay the seeds and every kept regression input, then fuzz each
# target briefly (CS_FUZZ_SECONDS, default 10).
set(CS_FUZZ_SECONDS 10 CACHE STRING "seconds per fuzz target in ctest")
enable_testing()
foreach(name idx safetensors image npy course digit_bundle)
  add_test(NAME fuzz_${name}
    COMMAND bash -c "set -e; inputs=(\"$1\"/*); if compgen -G \"$2/*\" >/dev/null; then inputs+=(\"$2\"/*); fi; \
\"$0\" -runs=1 \"\${inputs[@]}\"; mkdir -p \"$2\"; w=$(mktemp -d); \
\"$0\" \"$w\" \"$1\" -max_total_time=${CS_FUZZ_SECONDS} -timeout=10 -max_len=65536 -artifact_prefix=\"$2/\"; rm -rf \"$w\""
      $<TARGET_FILE:fuzz_${name}> ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${name} ${CMAKE_SOURCE_DIR}/tests/fuzz/regressions/${name})
endforeach()
