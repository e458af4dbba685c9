// HTML directory listings for directories without index.html (as nginx's autoindex).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::http {

struct ListingEntry {
    std::string name;
    bool directory = false;
    std::uint64_t size = 0;
    std::chrono::sys_seconds modified{};
};

// `url_path` is the directory's path as requested (ending in '/'); names are escaped for HTML
// and percent-encoded in links. Entries are sorted: directories first, then by name.
std::string render_listing(std::string_view url_path, std::vector<ListingEntry> entries);

}  // namespace layer7::http
