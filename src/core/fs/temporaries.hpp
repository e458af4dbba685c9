// Leftover temporaries: Root::create_temp names each one ".layer7-tmp.PID.N.NAME"; a crash or kill -9
// between create and commit leaves it behind, hidden, for ever. Services remove them at start.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::core {

// The PID in a temporary's name, or nullopt when `name` is not one of ours.
std::optional<pid_t> temporary_owner(std::string_view name);
// Removes the temporaries under `dir` (and its subdirectories when `recursive`; symlinks are not
// followed) whose writer is no longer running: older than this run, never committed. A live
// writer's (this process, or another layer7 sharing the tree) is left alone. Returns how many went.
std::size_t remove_stale_temporaries(const std::string& dir, bool recursive);

}  // namespace layer7::core
