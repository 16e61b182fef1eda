# Header-only third-party libraries from Debian packages. Only each library's own folder is
# added to the include path: -I/usr/include would leak glibc headers into the wasm build.
# stb is the patched copy scripts/setup.sh makes in .cache/stb (see scripts/patches/stb-*.patch).
set(CS_THIRDPARTY_INCLUDES "${CMAKE_BINARY_DIR}/thirdparty-include")
file(MAKE_DIRECTORY "${CS_THIRDPARTY_INCLUDES}")
set(CS_PATCHED_STB "${CMAKE_SOURCE_DIR}/.cache/stb/stb")
if(NOT EXISTS "${CS_PATCHED_STB}/stb_image.h")
  message(FATAL_ERROR "${CS_PATCHED_STB}/stb_image.h is missing: run scripts/setup.sh first")
endif()
foreach(pair "stb:${CS_PATCHED_STB}" "doctest:/usr/include/doctest" "nlohmann:/usr/include/nlohmann")
  string(REPLACE ":" ";" parts "${pair}")
  list(GET parts 0 name)
  list(GET parts 1 dir)
  # Re-made on every configure so an old build folder follows a moved target (e.g. to the patched stb).
  if(EXISTS "${dir}")
    file(REMOVE "${CS_THIRDPARTY_INCLUDES}/${name}")
    file(CREATE_LINK "${dir}" "${CS_THIRDPARTY_INCLUDES}/${name}" SYMBOLIC)
  endif()
endforeach()
# usage: #include <stb/stb_image.h>, <doctest/doctest.h>, <nlohmann/json.hpp>
