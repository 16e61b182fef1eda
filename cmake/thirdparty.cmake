# Header-only third-party libraries from Debian packages. Only each library's own folder is
# added to the include path: -I/usr/include would leak glibc headers into the wasm build.
set(CS_THIRDPARTY_INCLUDES "${CMAKE_BINARY_DIR}/thirdparty-include")
file(MAKE_DIRECTORY "${CS_THIRDPARTY_INCLUDES}")
foreach(pair "stb:/usr/include/stb" "doctest:/usr/include/doctest" "nlohmann:/usr/include/nlohmann")
  string(REPLACE ":" ";" parts "${pair}")
  list(GET parts 0 name)
  list(GET parts 1 dir)
  if(EXISTS "${dir}" AND NOT EXISTS "${CS_THIRDPARTY_INCLUDES}/${name}")
    file(CREATE_LINK "${dir}" "${CS_THIRDPARTY_INCLUDES}/${name}" SYMBOLIC)
  endif()
endforeach()
# usage: #include <stb/stb_image.h>, <doctest/doctest.h>, <nlohmann/json.hpp>
