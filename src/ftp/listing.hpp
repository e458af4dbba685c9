// Directory listings: LIST in the `ls -l` form that lftp, curl and wget parse, NLST names, MLSD/MLST
// facts (RFC 3659 §7) and MDTM times (RFC 3659 §2.3), from file facts the shell gathered (pure).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::ftp {

struct FileInfo {
    std::string name;  // one component
    bool directory = false;
    std::uint64_t size = 0;
    std::int64_t mtime = 0;  // seconds since the epoch, UTC
    unsigned mode = 0644;    // permission bits
    unsigned links = 1;
};

// "drwxr-xr-x    2 ftp      ftp          4096 Mar 14 12:00 name": the time of day for files within
// six months of `now`, the year otherwise (as ls does). Owner and group are always "ftp".
std::string list_line(const FileInfo& file, std::int64_t now);
// "type=file;size=12;modify=20240314120000;perm=r;unix.mode=0644; name" (no CRLF).
// `writable`: the login may change it, so perm carries the write letters too.
std::string mlsd_line(const FileInfo& file, bool writable);
// A whole listing body for the data connection, each line ended by CRLF.
enum class ListFormat { list, nlst, mlsd };
std::string format_listing(const std::vector<FileInfo>& files, ListFormat format, std::int64_t now, bool writable);

// YYYYMMDDHHMMSS in UTC (MDTM's reply and MLSD's modify fact).
std::string timeval(std::int64_t unix_seconds);
// The reverse, for the client; false when malformed.
bool parse_timeval(std::string_view text, std::int64_t& unix_seconds);

}  // namespace layer7::ftp
