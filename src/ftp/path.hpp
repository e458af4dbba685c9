// Virtual paths: what an FTP client names, always absolute inside the user's root ("/" is the root).
// '.' and '..' are resolved here, lexically; a path that climbs above "/" is an escape (550).
// Symlinks are the kernel's business: core::Root opens beneath the root (pure).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::ftp {

inline constexpr std::size_t max_path_length = 4096;  // PATH_MAX on Linux

// `arg` relative to `cwd` (or absolute), normalised: "/a/b", never a trailing '/', "/" for the root.
// nullopt for an escape above the root, a NUL byte, or a result over max_path.
std::optional<std::string> resolve_path(std::string_view cwd, std::string_view arg,
                                        std::size_t max_path = max_path_length);
// The form core::Root takes: "/a/b" → "a/b", "/" → "".
std::string to_relative(std::string_view virtual_path);
// The last component ("" for the root).
std::string_view base_name(std::string_view virtual_path);
// The directory above ("/" for the root's children and the root).
std::string parent_path(std::string_view virtual_path);
// A 257 reply's path: in double quotes, an embedded quote doubled (RFC 959 Appendix II).
std::string quote_path(std::string_view virtual_path);

}  // namespace layer7::ftp
