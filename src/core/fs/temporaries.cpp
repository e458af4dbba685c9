// Leftover temporaries: see temporaries.hpp.
#include "core/fs/temporaries.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace layer7::core {

namespace {

constexpr std::string_view prefix = ".layer7-tmp.";

bool running(pid_t pid)
{
    return pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH;  // EPERM: alive, someone else's
}

}  // namespace

std::optional<pid_t> temporary_owner(std::string_view name)
{
    if (name.substr(0, prefix.size()) != prefix)
        return std::nullopt;
    name.remove_prefix(prefix.size());
    const auto dot = name.find('.');
    if (dot == 0 || dot == std::string_view::npos || dot > 9)
        return std::nullopt;
    pid_t pid = 0;
    for (char c : name.substr(0, dot)) {
        if (c < '0' || c > '9')
            return std::nullopt;
        pid = pid * 10 + (c - '0');
    }
    return pid;
}

std::size_t remove_stale_temporaries(const std::string& dir, bool recursive)
{
    namespace fs = std::filesystem;
    std::size_t removed = 0;
    std::error_code ec;
    auto consider = [&](const fs::directory_entry& entry) {
        std::error_code ignored;
        const auto owner = temporary_owner(entry.path().filename().native());
        if (owner && entry.is_regular_file(ignored) && !entry.is_symlink(ignored) && !running(*owner) &&
            fs::remove(entry.path(), ignored))
            ++removed;
    };
    // Unreadable subdirectories are skipped: a start must not fail over a corner of a served tree.
    if (recursive) {
        for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
             !ec && it != end; it.increment(ec))
            consider(*it);
    } else {
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
            consider(*it);
    }
    return removed;
}

}  // namespace layer7::core
