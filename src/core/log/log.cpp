// Logging: see log.hpp.
#include "core/log/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace layer7::core {

bool setup_logging(const std::string& level)
{
    auto logger = spdlog::stderr_color_mt("layer7");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    const auto parsed = spdlog::level::from_str(level);
    if (parsed == spdlog::level::off && level != "off")
        return false;
    spdlog::set_level(parsed);
    return true;
}

}  // namespace layer7::core
