// `layer7 stream make|play` (cmd_stream.cpp).
#pragma once

#include "cli/common.hpp"

namespace layer7::cli {

void add_stream_commands(CLI::App& app, Globals& g);

}  // namespace layer7::cli
