// Fuzzes core::parse_hosts: the entries it keeps, written out again one per line, parse to the same
// entries with no bad line; every listed name finds its address.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/text/hosts_file.hpp"

using namespace layer7::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const HostsLimits limits{.max_line = 512, .max_entries = 64};
    const HostsParse first = parse_hosts(input, limits);
    std::string again;
    for (const auto& e : first.entries) {
        again += e.address;
        for (const auto& n : e.names)
            again += " " + n;
        again += "\n";
    }
    const HostsParse second = parse_hosts(again, {.max_line = 1 << 20, .max_entries = 1000});
    if (!second.bad_lines.empty() || second.entries.size() != first.entries.size())
        std::abort();
    const HostsTable table(first.entries);
    for (std::size_t i = 0; i < first.entries.size(); ++i) {
        if (second.entries[i].address != first.entries[i].address || second.entries[i].names != first.entries[i].names)
            std::abort();
        if (table.addresses(first.entries[i].names.front()).empty())
            std::abort();
    }
    return 0;
}
