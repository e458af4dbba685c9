// The hosts file (hosts(5), /etc/hosts): "ADDRESS NAME [ALIAS…]" lines, '#' comments. Parsed into
// a table that answers name → addresses and address → names before any DNS lookup. Pure: text in;
// whether an address is a valid IP is the caller's check (it has the socket library).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::core {

struct HostsLimits {
    std::size_t max_line = 4096;       // glibc reads longer lines in pieces; we refuse them
    std::size_t max_entries = 100000;  // lines with an address; blocklist files reach tens of thousands
};

struct HostsEntry {
    std::string address;             // as written: "127.0.0.1", "::1", "fe80::1%lo"
    std::vector<std::string> names;  // canonical name first, then aliases; lower case, no final dot
};

struct HostsParse {
    std::vector<HostsEntry> entries;
    std::vector<std::size_t> bad_lines;  // 1-based: a line with an address-like field but no valid name,
                                         // a field that is neither, or a line over max_line
    bool truncated = false;              // more than max_entries: the rest was ignored
};

HostsParse parse_hosts(std::string_view text, const HostsLimits& limits = {});

class HostsTable {
public:
    HostsTable() = default;
    explicit HostsTable(std::vector<HostsEntry> entries) : entries_(std::move(entries)) {}

    // Every address listed for `name` (case-insensitive, a final dot ignored), in file order.
    std::vector<std::string> addresses(std::string_view name) const;
    // The canonical name of the first line listing `address` (exact text), or "".
    std::string name_of(std::string_view address) const;
    bool empty() const { return entries_.empty(); }

private:
    std::vector<HostsEntry> entries_;
};

}  // namespace layer7::core
