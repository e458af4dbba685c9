// The server's file-system actions, each beneath a core::Root (openat2 RESOLVE_BENEATH, so ".."
// and symlinks leading out of the user's root fail in the kernel), answered as FsResult values.
#pragma once

#include <cstdint>
#include <string>

#include "core/fs/beneath.hpp"
#include "ftp/control_session.hpp"

namespace layer7::ftp {

FsError fs_error(int errno_value);

FsResult fs_stat(const core::Root& root, const std::string& path);
FsResult fs_change_dir(const core::Root& root, const std::string& path);
// Directory entries (our temp files and entries whose symlink leads out are left out), or the
// file itself; `now` is filled for LIST's date column.
FsResult fs_list(const core::Root& root, const std::string& path);
// Opens a regular file for RETR; `fd` gets the descriptor (the caller closes it).
FsResult fs_open_read(const core::Root& root, const std::string& path, int& fd);
// The temp file an upload goes to. APPE and REST+STOR first copy the existing bytes (all, or the
// first `offset`) so the final rename still swaps a whole file. With `unique`, `path` is the
// directory and a fresh name based on `suggested` is chosen (reported in info.name).
FsResult fs_open_write(const core::Root& root, const std::string& path, std::uint64_t offset, bool append, bool unique,
                       const std::string& suggested, core::Root::Temp& temp);
FsResult fs_remove(const core::Root& root, const std::string& path, bool directory);
FsResult fs_make_dir(const core::Root& root, const std::string& path);
FsResult fs_rename(const core::Root& root, const std::string& from, const std::string& to);

}  // namespace layer7::ftp
