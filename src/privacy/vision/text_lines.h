// Cheap, OCR-free text-line finding with OpenCV morphology: long lines of characters (a
// travel document's machine-readable zone) found, deskewed and cut out so that each can be
// read on its own, and text-like regions of a page so that OCR can skip empty areas.
// Pure functions; thread-safe.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "privacy/vision/image_types.h"

namespace ptmo::privacy::vision {

// One text line cut out of an image: `pixels` is the line (deskewed, gray, with a margin),
// `box` the axis-aligned box of the line in the input image's pixels, `text_height` the
// height in `pixels` of the line's ink.
struct LineCrop {
  cv::Mat pixels;
  Box box;
  int text_height = 0;
};

// Dark-on-light or light-on-dark ink of `gray` as a 0/255 mask (Otsu on a lightly blurred
// copy; the minority class is the ink). Empty for an empty image.
cv::Mat InkMask(const cv::Mat& gray);

// The long text lines of `gray` (8-bit, one channel), top to bottom: runs of characters that
// `char_gap_px` (about half a character's width) joins into one blob at least
// `min_width_fraction` of the widest such blob and at least 8 times as long as high. A
// common skew of up to 10 degrees is measured from the blobs and undone before the lines are
// cut. Returns none for an empty, blank or too small image.
std::vector<LineCrop> FindLongTextLines(const cv::Mat& gray, int char_gap_px,
                                        double min_width_fraction = 0.5);

// Boxes (in `gray`'s pixels) around the parts of `gray` that hold text-like structure:
// dense strokes in a morphological gradient joined into word and line blobs, each grown by
// `margin_px`, overlapping boxes merged. Flat areas, smooth gradients and sparse noise give
// none. Returns none for an empty or blank image.
std::vector<Box> FindTextRegions(const cv::Mat& gray, int margin_px);

}  // namespace ptmo::privacy::vision
