# The wasm bench for node: build/web/convscope_bench.js runs `convscope bench` in WebAssembly,
#   node --no-experimental-fetch build/web/convscope_bench.js --json
# printing the peers-harness lines with "peer": "convscope-wasm", "isa": "wasm". It is the CLI's
# bench.cpp compiled with its own main (CS_BENCH_STANDALONE), not a second implementation.
if(NOT EMSCRIPTEN)
  return()
endif()
add_executable(convscope_bench ${CMAKE_SOURCE_DIR}/src/cli/bench.cpp ${CMAKE_SOURCE_DIR}/src/cli/args.cpp)
target_compile_definitions(convscope_bench PRIVATE CS_BENCH_STANDALONE)
target_include_directories(convscope_bench PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(convscope_bench PRIVATE convscope_engine)
cs_web_node_program(convscope_bench)
