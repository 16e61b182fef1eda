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
  X(blocks_block, "Block") \
  X(blocks_name_conv_bn_relu, "Conv + BatchNorm + ReLU") \
  X(blocks_name_residual, "Residual block (ResNet basic)") \
  X(blocks_name_se, "Squeeze-and-Excitation") \
  X(blocks_name_mbconv, "MBConv (EfficientNet)") \
  X(blocks_name_convnext, "ConvNeXt block") \
  X(blocks_name_gap_head, "Head: global average pool + Linear") \
  X(blocks_name_flatten_head, "Head: flatten + Linear") \
  X(blocks_in_channels, "In channels") \
  X(blocks_out_channels, "Out channels") \
  X(blocks_height, "Height") \
  X(blocks_width, "Width") \
  X(blocks_kernel, "Kernel") \
  X(blocks_stride, "Stride") \
  X(blocks_expand, "Expand ratio") \
  X(blocks_se, "Squeeze-Excite") \
  X(blocks_projection, "Projection shortcut") \
  X(blocks_copy, "Copy as PyTorch") \
  X(notice_copied_pytorch_block, "Copied the block as a PyTorch nn.Module") \
  X(blocks_looking, "Below: every layer of the block in the order an input of %dx%dx%d (channels x height x width) flows through it, and the shape each one outputs.") \
  X(blocks_terms, "A parameter is one number the network learns (a weight or a bias). A MAC is one multiply-accumulate, the unit of work of a convolution or a linear layer.") \
  X(blocks_diagram_intro, "Data flows from top to bottom: each box is a layer and the shape it outputs (channels x height x width). + is where the shortcut is added back, x is where SE rescales the channels. Click a box to see its output below.") \
  X(blocks_diagram_input, "Input") \
  X(blocks_col_node, "Node") \
  X(blocks_col_layer, "Layer") \
  X(blocks_col_shape, "Output shape") \
  X(blocks_col_params, "Parameters") \
  X(blocks_col_macs, "MACs") \
  X(blocks_join, "(branches meet)") \
  X(blocks_node_line, "%s: output %s, %s parameters, %s MACs") \
  X(blocks_total, "Total: %s parameters, %s MACs, output %s") \
  X(blocks_refused, "This block cannot be built: %s") \
  X(blocks_feed_title, "Feed it") \
  X(blocks_feed_intro, "The block gets a batch of %d random inputs (each value drawn from a normal distribution: mean 0, standard deviation 1) and freshly initialised weights, both made from the seed.") \
  X(blocks_seed, "Seed") \
  X(blocks_batch, "Batch") \
  X(blocks_train_mode, "Train mode") \
  X(blocks_train_mode_on, "Train mode: each BatchNorm normalises with this batch's own mean and variance, so every channel leaves it with mean 0 and variance 1.") \
  X(blocks_train_mode_off, "Eval mode: each BatchNorm uses its running statistics instead (mean 0 and variance 1 in a block that has never trained), so it passes its input on almost unchanged. Compare a BatchNorm node in both modes.") \
  X(blocks_pick_node, "Click a box in the diagram or a node in the table above to see what it outputs.") \
  X(blocks_node_stats, "%s outputs %s: min %.3f, mean %.3f, max %.3f, standard deviation %.3f.") \
  X(blocks_zero_fraction, "%.1f%% of its values are exactly 0 (a ReLU turns every negative value into 0).") \
  X(blocks_histogram, "How many values fall in each range, from %.3f to %.3f:") \
  X(blocks_maps, "The first input's output, one map per channel (dark: low, bright: high):") \
  X(blocks_maps_shown, "Channels 1 to %d of %d.") \
  X(blocks_channel_stats, "Per channel, over the whole batch (what BatchNorm computes):") \
  X(blocks_col_channel, "Channel") \
  X(blocks_col_mean, "Mean") \
  X(blocks_col_variance, "Variance") \
  X(blocks_probe_refused, "Cannot feed this block: %s") \
  /* end */
// clang-format on
