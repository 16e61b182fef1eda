// digit_input.h — THE preprocessing from any grey image (drawing canvas or photo) to a 28x28
// digit made the way MNIST was: ink found and normalised, cropped to the ink, fitted into 20x20
// keeping the aspect ratio (area-resampled), then placed by its centre of mass in 28x28.
// The page and the CLI both call prepare_digit; every intermediate step is kept for the UI.
#pragma once
#include <string>

#include "../tensor.h"
#include "image.h"

namespace cs {

struct DigitInputOptions {
  int max_working_side = 512;        // larger inputs are area-downsampled first (speed; 20x20 is the goal)
  float min_contrast = 0.12f;        // ink must stand out from the local background by this much (0..1)
  float noise_floor = 0.3f;          // cap on the measured noise floor, as a fraction of the ink level
  float min_component_mass = 0.08f;  // ink blobs lighter than this fraction of the largest are specks
  bool find_sheet = true;            // look for a photographed sheet of paper on a table (photos; the
                                     // drawing pad has no table and skips it)
};

// MNIST's digits have their centre of mass at (14.0, 14.0) in pixel-index coordinates
// (measured over the 10k test set: mean 14.01, 13.99; integer shifts).
constexpr float kMnistCentre = 14.0f;

struct DigitSteps {
  bool has_ink = false;
  std::string message;          // why there is no digit, when has_ink is false ("no ink: ...")

  // 1. ink map: working-resolution image, inverted if needed, local background removed,
  //    normalised so 0 = paper and 1 = full ink, specks removed.
  bool sheet = false;           // a sheet of paper on a darker/lighter surface was found: only the
                                //   sheet was used (the surface replaced by the sheet's own paper)
  bool inverted = false;        // the input was dark ink on a light background
  float work_scale = 1.0f;      // ink-map pixels per input pixel (<= 1)
  float background = 0.0f;      // background level found at the border (after inversion)
  float ink_level = 0.0f;       // typical ink residual above the background
  GreyImage ink;
  // 2. ink bounding box, in input-image pixels (x, y, width, height)
  int box_x = 0, box_y = 0, box_w = 0, box_h = 0;
  // 3. the cropped ink fitted into 20x20 keeping its aspect ratio (longer side 20)
  GreyImage fit20;
  // 4. centre of mass of fit20 after centring its box in 28x28, and the integer shift applied to
  //    move it to (14, 14)
  float com_x = 0.0f, com_y = 0.0f;
  int shift_x = 0, shift_y = 0;
  // 5. the result: 28x28, ink 1 on 0 like MNIST (all zeros when has_ink is false)
  GreyImage digit;
  // Where the 28x28 field lies on the input, in input pixels: digit coordinate u in [0, 28] is input
  // x = frame_x + u * frame_w / 28 (the same for y). Lets a map over the 28x28 (saliency) be laid
  // back on the drawing. Zero when has_ink is false.
  float frame_x = 0.0f, frame_y = 0.0f, frame_w = 0.0f, frame_h = 0.0f;
};

// The pictures between the steps, for showing what the preprocessing did (a photo's path in the digit
// lab); asked for by passing a DigitStages*, since they cost a few copies of the working image.
// Each is empty when prepare_digit stopped before reaching it.
struct DigitStages {
  GreyImage grey;      // the input as grey, at working resolution (0 black .. 1 white)
  GreyImage sheet;     // after the sheet search: the surface around a found sheet replaced by paper
                       //   (the same as grey when no sheet was found; DigitSteps::sheet says which)
  GreyImage polarity;  // ink made bright on dark (inverted when DigitSteps::inverted)
  GreyImage centred;   // 28x28: the 20x20 fit centred by its box, before the centre-of-mass shift
};

// Never fails: blank or empty input gives has_ink = false with a message and an all-zero digit.
DigitSteps prepare_digit(const GreyImage& input, const DigitInputOptions& options = {}, DigitStages* stages = nullptr);
DigitSteps prepare_digit(const uint8_t* grey, int width, int height, const DigitInputOptions& options = {});

// The 28x28 result as a (1, 1, 28, 28) tensor in [0, 1].
Tensor digit_tensor(const DigitSteps& steps);

}  // namespace cs
