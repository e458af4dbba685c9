// Virtual path resolution: see path.hpp.
#include "ftp/path.hpp"

#include <vector>

namespace layer7::ftp {

std::optional<std::string> resolve_path(std::string_view cwd, std::string_view arg, std::size_t max_path)
{
    if (arg.find('\0') != std::string_view::npos || cwd.size() + arg.size() + 1 > 2 * max_path)
        return std::nullopt;
    std::vector<std::string_view> parts;
    auto walk = [&parts](std::string_view path) -> bool {
        while (!path.empty()) {
            const auto slash = path.find('/');
            const std::string_view part = path.substr(0, slash);
            path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
            if (part.empty() || part == ".")
                continue;
            if (part == "..") {
                if (parts.empty())
                    return false;  // above the root
                parts.pop_back();
                continue;
            }
            parts.push_back(part);
        }
        return true;
    };
    if (arg.empty() || arg.front() != '/')
        if (!walk(cwd))
            return std::nullopt;
    if (!walk(arg))
        return std::nullopt;
    std::string out;
    for (auto p : parts)
        out.append("/").append(p);
    if (out.empty())
        out = "/";
    if (out.size() > max_path)
        return std::nullopt;
    return out;
}

std::string to_relative(std::string_view virtual_path)
{
    while (!virtual_path.empty() && virtual_path.front() == '/')
        virtual_path.remove_prefix(1);
    return std::string(virtual_path);
}

std::string_view base_name(std::string_view virtual_path)
{
    const auto slash = virtual_path.rfind('/');
    return slash == std::string_view::npos ? virtual_path : virtual_path.substr(slash + 1);
}

std::string parent_path(std::string_view virtual_path)
{
    const auto slash = virtual_path.rfind('/');
    if (slash == std::string_view::npos || slash == 0)
        return "/";
    return std::string(virtual_path.substr(0, slash));
}

std::string quote_path(std::string_view virtual_path)
{
    std::string out = "\"";
    for (char c : virtual_path) {
        out += c;
        if (c == '"')
            out += '"';
    }
    return out + "\"";
}

}  // namespace layer7::ftp
