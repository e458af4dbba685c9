// Logging: spdlog to standard error, one format for every service.
#pragma once

#include <string>

namespace layer7::core {

// Sets the level ("trace", "debug", "info", "warn", "error", "off"); false for an unknown name.
bool setup_logging(const std::string& level);

}  // namespace layer7::core
