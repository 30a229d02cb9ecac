#include "caps.h"

bulletin_limits limits = {
    .max_input_bytes = 16u << 20,
    .max_image_pixels = 100L * 1000 * 1000,
    .max_pages = 20000,
    .max_yaml_depth = 32,
};
