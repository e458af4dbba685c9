// Which script a CGI URL names (RFC 3875 §3.3): the path below the mount is walked segment by
// segment beneath the script directory until a file is met; what follows is PATH_INFO.
#pragma once

#include <string>
#include <string_view>

#include "core/fs/beneath.hpp"
#include "http/message/status.hpp"

namespace layer7::http::cgi {

struct ScriptPath {
    Status status = Status::ok;  // 404 nothing there, 403 a directory, an escape or not executable
    std::string relative;        // the script beneath the directory, "pageexec"
    std::string path_info;       // "/extra/x" or ""
};

// `rest`: the decoded path after the mount prefix, "pageexec/extra/x". Symlinks leading out of
// the directory are refused by the kernel (core::Root opens beneath it).
ScriptPath find_script(const core::Root& root, std::string_view rest);

}  // namespace layer7::http::cgi
