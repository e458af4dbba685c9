// Writes a whole buffer to a file descriptor: write(2) may write less than asked (a signal, a
// full pipe) and must be called again for the rest. Every file the project writes (spool, Maildir,
// cache, zone journal, FTP uploads, `get -o`) goes through it.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace layer7::core {

// {} once every byte is written; else the error (EINTR is retried).
std::error_code write_all(int fd, std::string_view bytes);

// True when `path` names something that is there and is not a regular file or a directory:
// /dev/null, a FIFO, a terminal. What a client writes through a temporary renamed into place
// (`get -o`, `ftp get`, `torrent make -o`) is written to such a target directly: the rename would
// replace it — as root, /dev/null itself, for every program on the machine.
bool is_special_file(const std::string& path);

}  // namespace layer7::core
