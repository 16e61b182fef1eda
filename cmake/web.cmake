# Every Emscripten flag of the project, in one place, each with its reason (Emscripten 3.1.6).
if(NOT EMSCRIPTEN)
  function(cs_web_node_program target)
  endfunction()
  function(cs_web_size_optimised)
  endfunction()
  function(cs_web_engine_cold_sources)
  endfunction()
  return()
endif()

# -msimd128: wasm SIMD (Chrome >= 91, Firefox >= 89, Safari >= 16.4); relaxed SIMD is not in clang 14.
add_compile_options(-msimd128)
# Exceptions stay disabled (the 3.1.6 default): the engine reports errors through Status/Result.

# First-load budget (<= 500 KB gzipped, wasm + js + data). The engine library keeps the Release -O3
# (its kernels are the page's hot loops: conv, GEMM, depthwise, training). The UI, Dear ImGui and the
# platform layer run once per frame on small data, and at -O3 the inliner copies them into the frame
# function: they are compiled -Oz, with link-time optimisation (whole-program dead code and inlining
# across the app's files). The link stays at the Release -O3 (the page links at -O2, below): binaryen
# at -Oz would save more but inlines less in the engine too and slowed it. Figures: README "Where the
# 306 KB went".
# Not available here: --closure 1 (Debian's closure-compiler is from 2013; emcc 3.1.6 needs a
# current one).
function(cs_web_size_optimised)
  foreach(t IN LISTS ARGN)
    target_compile_options(${t} PRIVATE -Oz -flto)
  endforeach()
endfunction()

# Dear ImGui's built-in ProggyClean font (12 KB of base85 text) is linked because
# ImFontAtlas::Build() falls back to AddFontDefault(); the app always adds its embedded DejaVu subset
# (src/platform/window_loop.cpp), so the page leaves it out (scripts/patches/imgui-0002-*.patch):
# the wasm 510.2 -> 487.7 KB gzipped.
set_source_files_properties(${CS_CACHE}/imgui/imgui_draw.cpp PROPERTIES
  COMPILE_DEFINITIONS IMGUI_DISABLE_DEFAULT_FONT)

option(CS_WEB_DEBUG "wasm runtime checks: assertions, SAFE_HEAP, stack overflow checks" OFF)
set(CS_WEB_DEBUG_LINK "")
if(CS_WEB_DEBUG)
  # Finds wasm-only memory bugs (32-bit size_t, SIMD loads past the end) with readable stacks.
  set(CS_WEB_DEBUG_LINK -sASSERTIONS=2 -sSAFE_HEAP=1 -sSTACK_OVERFLOW_CHECK=2 --profiling-funcs)
endif()

set(CS_WEB_COMMON_LINK ${CS_WEB_DEBUG_LINK}
  -sALLOW_MEMORY_GROWTH=1          # images and batches vary; grow instead of failing
  -sMAXIMUM_MEMORY=1024MB          # cap: exhausting it must give a message, not take the tab down
  -sABORTING_MALLOC=0              # malloc returns NULL past the cap, so untrusted sizes can be refused
  -sTOTAL_STACK=1MB           # (3.1.6 name of STACK_SIZE)
)

# The page only (not the node programs below, which read files through NODERAWFS):
set(CS_WEB_PAGE_LINK
  # binaryen at -O2 for the page's link (the objects keep their own levels): it inlines less than at
  # -O3, not less than LLVM already did in the engine's -O3 objects, so the page is smaller and the
  # engine as fast (README "Where the 306 KB went"). -Oz would save more but is what slowed the engine (above).
  $<$<CONFIG:Release>:-O2>
  # The page opens no files: dropped and chosen files reach app_open_file as bytes (web/hook.js),
  # exports are downloads (Blobs), data beside the page comes through fetch (platform_fetch_file).
  # Without Emscripten's JS file system the script is 49.0 -> 36.0 KB gzipped; fopen() fails cleanly.
  -sFILESYSTEM=0
  # The JS glue, trimmed to what the page uses (first-load budget). Module members read by the runtime: only
  # those web/shell.html sets (hook.js and the EM_ASM blocks use their own cs* members directly).
  "-sINCOMING_MODULE_JS_API=[canvas,print,printErr,onAbort,setStatus,onRuntimeInitialized]"
  -sTEXTDECODER=2                  # every WebGL2 browser has TextDecoder: no JS fallback decoder
  # WebGL2 only, core formats only (R8, RGBA8 textures; src/platform/gl_renderer.cpp): no
  # extension is enabled, so the code that enables all of them at context creation is left out.
  -sGL_SUPPORT_AUTOMATIC_ENABLE_EXTENSIONS=0
  -sGL_POOL_TEMP_BUFFERS=0         # the pool only avoids garbage under WebGL 1
  # Nothing reads GLES-style GL strings or the GLES-only errors (the app calls neither glGetError nor
  # glGetString; ImGui's backend reads GL_MAJOR_VERSION): WebGL's own forms only (-0.4 KB gzipped).
  -sGL_TRACK_ERRORS=0 -sGL_EMULATE_GLES_VERSION_STRING_FORMAT=0 -sGL_EXTENSIONS_IN_PREFIXED_FORMAT=0
  )

# The hosted page's script, minified after the link by terser (npm, scripts/setup.sh): emcc 3.1.6
# only strips whitespace without closure. Compress + mangle, top-level names included: the script is
# one file (hook.js is its --post-js, EM_ASM/EM_JS code is inside it), and the only global other
# scripts share with it is `Module` (web/shell.html sets it; Module.cs* members are properties, which
# are never renamed), so that one name is kept. 34.1 -> 21.3 KB gzipped. The single file is left
# as emcc writes it (it is not the first load). Run at the end of the top directory, after
# cmake/app.cmake made the target; the service worker is then written again, so its build hash
# names the minified script.
function(cs_web_minify_hosted_script)
  if(NOT TARGET convscope_web)
    return()
  endif()
  set(terser "${CMAKE_SOURCE_DIR}/node_modules/terser/bin/terser")
  if(NOT EXISTS "${terser}")
    message(FATAL_ERROR "terser not found in node_modules: run scripts/setup.sh")
  endif()
  find_program(CS_NODE_EXE node REQUIRED)
  set(js "${CMAKE_BINARY_DIR}/convscope.js")
  add_custom_command(TARGET convscope_web POST_BUILD
    COMMAND "${CS_NODE_EXE}" "${terser}" "${js}" --compress passes=2 --mangle "reserved=['Module']"
            --toplevel --output "${js}.min"
    COMMAND ${CMAKE_COMMAND} -E rename "${js}.min" "${js}"
    COMMAND ${CMAKE_COMMAND} -DWEB=${CMAKE_SOURCE_DIR}/web -DOUT=${CMAKE_BINARY_DIR}
            -P ${CMAKE_SOURCE_DIR}/cmake/service_worker.cmake
    VERBATIM)
endfunction()
cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL cs_web_minify_hosted_script)

# A wasm program meant for node (the CLI's bench, the engine tests).
function(cs_web_node_program target)
  target_link_options(${target} PRIVATE ${CS_WEB_COMMON_LINK}
    -sENVIRONMENT=node             # these run under node only
    -sNODERAWFS=1                  # real files (fixtures, .npy) through node's fs
    -sEXIT_RUNTIME=1               # exit code reaches ctest
    -sWASM_ASYNC_COMPILATION=0)    # 3.1.6's async loader uses node's fetch and fails on file paths
endfunction()

# The engine's file parsers (src/engine/data: .npy, IDX, .safetensors, images through stb_image) run
# once per opened file, never in a frame or a timed call, so in wasm they are compiled for size
# (-Os after the Release -O3 of the rest of the engine), for the first-load budget. digit_input.cpp (a drawing's
# preprocessing, every stroke) is -O2: as fast as at -O3 and 3 KB smaller; -Os made it 2.4x slower.
# So does the engine's glue: building and loading models, weight init, tracing, receptive fields,
# saliency's bookkeeping, the blocks' and Sequential's forward/backward plumbing, shape validation,
# cost formulas, the teaching-size transposed conv, Tensor's housekeeping, the (wasm: threadless)
# parallel loop. Their time is in the kernels they call (ops/*: -O3): -6.3 KB gzipped, and
# DigitNet-b1 0.72-1.05 vs 0.73-0.74 ms, DigitNet-train 179-183 vs 178-187 ms, T1 32-34 ms both
# (wasm bench, -O3 vs -Os glue, interleaved, load 2-4).
function(cs_web_engine_cold_sources)
  file(GLOB cold CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/engine/data/*.cpp)
  list(FILTER cold EXCLUDE REGEX "digit_input\\.cpp$")
  foreach(f nn/model.cpp nn/init.cpp nn/trace.cpp nn/receptive_field.cpp nn/digitnet.cpp nn/saliency.cpp
            nn/convnext_block.cpp nn/mbconv.cpp nn/sequential.cpp nn/walk.cpp nn/layers.cpp nn/squeeze_excite.cpp
            ops/cost.cpp ops/conv_geometry.cpp ops/conv2d.cpp ops/conv_transpose2d.cpp tensor.cpp parallel.cpp cpu.cpp)
    list(APPEND cold ${CMAKE_SOURCE_DIR}/src/engine/${f})
  endforeach()
  set_source_files_properties(${cold} PROPERTIES COMPILE_OPTIONS "-Os")
  set_source_files_properties(${CMAKE_SOURCE_DIR}/src/engine/data/digit_input.cpp PROPERTIES COMPILE_OPTIONS "-O2")
  # The rest of the engine at -O2 (clang vectorises there too; -O3 mostly inlines and unrolls more),
  # but the kernels that measured slower without -O3: the GEMM, the direct tiles and the Winograd
  # (M1-b64 5.8 % slower with the whole engine at -O2).
  target_compile_options(convscope_engine PRIVATE -O2)
  foreach(f gemm.cpp conv2d_direct.cpp winograd_wasm.cpp)
    set_source_files_properties(${CMAKE_SOURCE_DIR}/src/engine/ops/${f} PROPERTIES COMPILE_OPTIONS "-O3")
  endforeach()
endfunction()
