// block_costs_strings.h — the block-costs panel's part of the UI string table (ui_strings.h includes
// it in CS_UI_STRINGS).
#pragma once

// clang-format off
#define CS_BLOCK_COSTS_UI_STRINGS(X) \
  /* [block-costs panel (panel_block_costs.cpp)] */ \
  X(block_costs_title, "Block costs###block-costs") \
  X(block_costs_menu, "Block costs") \
  X(block_costs_intro, "The same job done four ways: C channels in, C channels out, on an H x W map, with a K x K kernel. A parameter is one number the network learns; a multiply-accumulate (MAC) is one multiplication and one addition, the unit of work. Each number in brackets compares the row with the first row of its group.") \
  X(block_costs_channels, "channels C") \
  X(block_costs_height, "height H") \
  X(block_costs_width, "width W") \
  X(block_costs_kernel, "kernel K") \
  X(block_costs_classes, "classes") \
  X(block_costs_error, "The engine refused this: %s") \
  X(block_costs_standard, "Standard convolution") \
  X(block_costs_separable, "Depthwise-separable (depthwise K x K, then pointwise 1 x 1)") \
  X(block_costs_mbconv, "MBConv (1 x 1 expand x4, depthwise, SE, 1 x 1 project, skip)") \
  X(block_costs_convnext, "ConvNeXt block (depthwise, LayerNorm, pointwise x4, GELU, pointwise, skip)") \
  X(block_costs_flatten_head, "Flatten + Linear") \
  X(block_costs_gap_head, "Global average pool + Linear") \
  X(block_costs_layers, "layers: %s") \
  X(block_costs_params_bar, "%s parameters (%.3gx)") \
  X(block_costs_macs_bar, "%s MACs (%.3gx)") \
  X(block_costs_separable_rule, "Depthwise-separable / standard = 1/C + 1/K^2 = %.4g. The course material rounds it to 1/K^2 = %.4g, which is close only when C is much larger than K^2.") \
  X(block_costs_heads_title, "A classifier head on the C x H x W map") \
  X(block_costs_heads_intro, "To turn the last map into %d class scores, flatten it into one long vector for a Linear layer, or first average each channel over the map (global average pooling) and feed only C numbers.") \
  X(block_costs_heads_rule, "Global average pooling needs %.3gx the parameters of flatten + Linear here, and it works for any map size.") \
  /* end */
// clang-format on
