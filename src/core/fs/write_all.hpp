// Writes a whole buffer to a file descriptor: write(2) may write less than asked (a signal, a
// full pipe) and must be called again for the rest. Every file the project writes (spool, Maildir,
// cache, zone journal, FTP uploads, `get -o`) goes through it.
#pragma once

#include <string_view>
#include <system_error>

namespace layer7::core {

// {} once every byte is written; else the error (EINTR is retried).
std::error_code write_all(int fd, std::string_view bytes);

}  // namespace layer7::core
