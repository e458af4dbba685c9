// The embedded default configuration: what `layer7 up` serves with no --config (DESIGN.md §5).
#pragma once

#include <string_view>

namespace layer7::cli {

std::string_view default_config();

}  // namespace layer7::cli
