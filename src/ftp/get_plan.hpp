// How `layer7 ftp get` treats the local file (pure): resume only when asked (-C) and only into what
// looks like an earlier part of the same remote file; everything else is a whole download.
#pragma once

#include <cstdint>
#include <optional>

namespace layer7::ftp {

struct FileFacts {
    std::optional<std::uint64_t> size;  // remote: SIZE (RFC 3659 §4); local: stat
    std::optional<std::int64_t> mtime;  // remote: MDTM (RFC 3659 §3), UTC seconds; local: stat
};

enum class GetPlan {
    whole_via_temporary,  // a temporary beside FILE, renamed over it on success, removed on failure
    whole_into_file,      // -C and no FILE yet: write FILE itself, so an interruption leaves a part to resume
    resume,               // REST at the local size, append
    complete,             // -C and FILE is already the whole remote file
};

// `local` is empty when FILE does not exist (or is not a regular file). With `resume`, FILE is taken
// as an earlier part of the remote file only when it is not longer than the remote file and was last
// written no earlier than the remote file changed (a remote file newer than the part means the part
// is of another version). Without the remote size and time nothing can be checked: whole download.
GetPlan plan_get(bool resume, const std::optional<FileFacts>& local, const FileFacts& remote);

}  // namespace layer7::ftp
