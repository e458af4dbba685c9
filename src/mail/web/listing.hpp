// The message list of a folder (pure): one summary per message, filtered by a search, sorted and
// cut into pages; and the query-string form of a listing (?sort=date&order=asc&q=…&page=2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::mail::web {

struct Summary {
    std::uint32_t uid = 0;
    std::string from;       // display name, else the address (UTF-8)
    std::string to;         // as written, encoded-words decoded
    std::string subject;    // UTF-8
    std::string flags;      // Maildir letters: S seen, F flagged, R replied, T trashed
    std::int64_t date = 0;  // seconds (the message's arrival: IMAP's INTERNALDATE)
    std::uint64_t size = 0;
    bool attachments = false;

    bool seen() const { return flags.find('S') != std::string::npos; }
    bool flagged() const { return flags.find('F') != std::string::npos; }
};

// The summary fields read from a message's header section (bytes from its start; the body is not needed).
Summary summarize(std::string_view message, std::uint32_t uid, std::string flags, std::int64_t date,
                  std::uint64_t size);

enum class SortKey { arrival, date, from, subject, size };

struct ListQuery {
    SortKey key = SortKey::arrival;
    bool descending = true;  // newest first
    std::string search;      // case-insensitive, in from, to and subject; "" = all
    std::size_t page = 0;    // 0-based
    std::size_t per_page = 50;
};

// Reads sort=, order=, q=, page=, n= (per page, 1…200); anything unknown keeps the default.
ListQuery parse_list_query(std::string_view query);
// The query string for `q` (only what differs from the defaults), without '?'.
std::string list_query_string(const ListQuery& q);

struct ListPage {
    std::vector<Summary> rows;
    std::size_t total = 0;  // matching the search
    std::size_t page = 0;   // clamped to the last page
    std::size_t pages = 1;
};

// Filters, sorts (stably; ties by uid) and cuts one page out of `all`.
ListPage list_page(std::vector<Summary> all, const ListQuery& query);

}  // namespace layer7::mail::web
