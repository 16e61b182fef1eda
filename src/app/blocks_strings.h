// blocks_strings.h — the blocks workspace's part of the UI string table (ui_strings.h includes it in
// CS_UI_STRINGS): the blocks panel.
#pragma once

// clang-format off
#define CS_BLOCKS_UI_STRINGS(X) \
  /* [blocks workspace (blocks_workspace.cpp), blocks panel (panel_blocks.cpp)] */ \
  X(app_blocks, "Blocks") \
  X(blocks_title, "Blocks###blocks") \
  X(blocks_reset_layout, "Reset layout") \
  X(blocks_intro, "A CNN is built from blocks: a few layers that always come together. Pick one to see what flows through it.") \
  /* end */
// clang-format on
