# Compile flags of the engine library (included right after convscope_engine is defined).
if(MSVC)
  return()
endif()
target_compile_options(convscope_engine PRIVATE
  # Release is already -O3 (loop vectorisation of the depthwise rows, packing, im2col).
  # Contract a*b+c into FMA where the code is compiled for an FMA ISA: only the AVX2/AVX-512 GEMM
  # regions and the AVX2/AVX-512 compilations of cpu_variants.h natively (baseline x86-64 and wasm SIMD128 have no FMA),
  # so the reference paths keep plain mul+add. Results stay within the tests' tolerance of PyTorch.
  -ffp-contract=fast
  # The engine never reads errno after sqrt/exp: let the compiler inline them as instructions.
  -fno-math-errno)
# No OpenMP: the engine has its own small pool (src/engine/parallel.cpp), single-threaded in wasm.
if(NOT EMSCRIPTEN)
  find_package(Threads REQUIRED)
  target_link_libraries(convscope_engine PUBLIC Threads::Threads)
endif()
