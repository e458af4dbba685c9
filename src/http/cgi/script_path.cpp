// Which script a CGI URL names: see script_path.hpp.
#include "http/cgi/script_path.hpp"

#include <unistd.h>

namespace layer7::http::cgi {

ScriptPath find_script(const core::Root& root, std::string_view rest)
{
    ScriptPath found;
    std::string relative;
    std::size_t at = 0;
    while (at < rest.size()) {
        const std::size_t slash = rest.find('/', at);
        const std::string_view segment = rest.substr(at, slash == std::string_view::npos ? rest.npos : slash - at);
        if (segment.starts_with('.')) {  // hidden files (.htaccess, editor droppings) are not scripts
            found.status = Status::not_found;
            return found;
        }
        if (!relative.empty())
            relative += '/';
        relative += segment;
        at = slash == std::string_view::npos ? rest.size() : slash + 1;

        struct stat st {};
        if (auto ec = root.stat(relative, st)) {
            const bool missing = ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory;
            found.status = missing ? Status::not_found : Status::forbidden;  // ELOOP/EXDEV: an escape
            return found;
        }
        if (S_ISDIR(st.st_mode))
            continue;
        // A regular file executable by us; anything else (a socket, a fifo) is no script.
        const std::string full = root.path() + "/" + relative;
        if (!S_ISREG(st.st_mode) || ::access(full.c_str(), X_OK) != 0) {
            found.status = Status::forbidden;
            return found;
        }
        found.relative = std::move(relative);
        if (slash != std::string_view::npos)
            found.path_info = std::string(rest.substr(slash));
        return found;
    }
    found.status = Status::forbidden;  // a directory: no listings of the scripts
    return found;
}

}  // namespace layer7::http::cgi
