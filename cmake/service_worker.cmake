# Script mode: writes build/web/sw.js with @CS_BUILD_HASH@ = a hash of the built page files (and
# @CS_SW_LATER_FILES@ = the files the page fetches later), and
# copies the web manifest and icon next to it. Usage: cmake -DWEB=<src web> -DOUT=<build/web> -P ...
file(SHA256 "${OUT}/convscope.wasm" h1)
file(SHA256 "${OUT}/convscope.js" h2)
file(SHA256 "${OUT}/index.html" h3)
# Files fetched after the first load (the deferred part of the page's code, web/split_loader.js;
# cmake/digits.cmake: the lab's digits and weights, the training digits; cmake/languages.cmake: the
# translations): cached and hashed when the build has them.
set(CS_SW_LATER_FILES "")
set(h4 "")
foreach(f convscope.deferred.wasm digits.bin digitnet.safetensors digits-train.bin lang-es.json lang-de.json lang-zh.json lang-zh-font.ttf)
  if(EXISTS "${OUT}/${f}")
    string(APPEND CS_SW_LATER_FILES ", '${f}'")
    file(SHA256 "${OUT}/${f}" h)
    string(APPEND h4 "${h}")
  endif()
endforeach()
string(SHA256 hash "${h1}${h2}${h3}${h4}")
string(SUBSTRING "${hash}" 0 16 CS_BUILD_HASH)
configure_file("${WEB}/sw.js" "${OUT}/sw.js" @ONLY)
configure_file("${WEB}/manifest.webmanifest" "${OUT}/manifest.webmanifest" COPYONLY)
configure_file("${WEB}/icon.svg" "${OUT}/icon.svg" COPYONLY)
