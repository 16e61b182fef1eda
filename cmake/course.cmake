# course.cmake — the guided lessons (src/app/course_*): their files, the pure sources, and the QR
# code library of the presenter. Included by cmake/app.cmake.
# Lesson files: assets/lessons/index.json and the files it lists. They are content, never in the
# page's first load: the desktop embeds them ("lessons/<name>"), the hosted page has them beside
# index.html in lessons/ (fetched when the Course menu or a lesson link is first used; precached by
# the service worker), the single offline file has them inlined. Until the bundled lessons exist
# (another branch writes them), the small test lessons of tests/course/lessons stand in.
if(EXISTS "${CMAKE_SOURCE_DIR}/assets/lessons/index.json")
  set(CS_LESSONS_DIR "${CMAKE_SOURCE_DIR}/assets/lessons")
else()
  set(CS_LESSONS_DIR "${CMAKE_SOURCE_DIR}/tests/course/lessons")
endif()
file(GLOB CS_LESSON_FILES CONFIGURE_DEPENDS "${CS_LESSONS_DIR}/*.json")
if(NOT EMSCRIPTEN)
  foreach(f IN LISTS CS_LESSON_FILES)
    get_filename_component(n "${f}" NAME)
    list(APPEND CS_ASSET_LIST "lessons/${n}=${f}")
  endforeach()
endif()

# The lesson file parser and the predicate checker are pure (unit-tested, fuzzed).
set(CS_COURSE_PURE_SOURCES ${CMAKE_SOURCE_DIR}/src/app/course_file.cpp ${CMAKE_SOURCE_DIR}/src/app/course_check.cpp)

# Nayuki's QR Code generator, the C version (no exceptions, no allocation: it fits the page's
# no-exceptions wasm build), from Debian's source package fetched by scripts/setup.sh.
set(CS_QRCODEGEN_DIR "${CS_CACHE}/qrcodegen/c")
if(NOT EXISTS "${CS_QRCODEGEN_DIR}/qrcodegen.c")
  message(FATAL_ERROR "qrcodegen sources not found in ${CS_QRCODEGEN_DIR}: run scripts/setup.sh")
endif()
add_library(cs_qrcodegen STATIC ${CS_QRCODEGEN_DIR}/qrcodegen.c)
target_include_directories(cs_qrcodegen SYSTEM PUBLIC ${CS_QRCODEGEN_DIR})
target_compile_options(cs_qrcodegen PRIVATE -w)  # third-party code: its warnings are not ours to fix

# Page: lessons/*.json beside index.html, and the same bytes inlined for the single file.
function(cs_course_web_targets)
  if(NOT EMSCRIPTEN OR NOT CS_LESSON_FILES)
    return()
  endif()
  set(outs "")
  foreach(f IN LISTS CS_LESSON_FILES)
    get_filename_component(n "${f}" NAME)
    add_custom_command(OUTPUT "${CMAKE_BINARY_DIR}/lessons/${n}"
      COMMAND ${CMAKE_COMMAND} -E copy "${f}" "${CMAKE_BINARY_DIR}/lessons/${n}" DEPENDS "${f}" VERBATIM)
    list(APPEND outs "${CMAKE_BINARY_DIR}/lessons/${n}")
  endforeach()
  set(js "${CMAKE_BINARY_DIR}/generated/lessons.js")
  add_custom_command(OUTPUT "${js}"
    COMMAND ${CS_NODE} ${CMAKE_SOURCE_DIR}/scripts/inline_files.mjs --prefix lessons/ "${js}" ${CS_LESSON_FILES}
    DEPENDS ${CMAKE_SOURCE_DIR}/scripts/inline_files.mjs ${CS_LESSON_FILES}
    COMMENT "Inlining the guided lessons for the single file" VERBATIM)
  add_custom_target(cs_course_files DEPENDS ${outs} "${js}")
  add_dependencies(convscope_web cs_course_files)
  add_dependencies(convscope_single cs_course_files)
  target_link_options(convscope_single PRIVATE "SHELL:--pre-js ${js}")
  set_property(TARGET convscope_single APPEND PROPERTY LINK_DEPENDS "${js}")
endfunction()
