// Directory listing: see listing.hpp.
#include "http/server/listing.hpp"

#include <algorithm>

#include "core/text/html_escape.hpp"
#include "http/message/date.hpp"
#include "http/message/target.hpp"

namespace layer7::http {

std::string render_listing(std::string_view url_path, std::vector<ListingEntry> entries)
{
    std::sort(entries.begin(), entries.end(), [](const ListingEntry& a, const ListingEntry& b) {
        return a.directory != b.directory ? a.directory : a.name < b.name;
    });
    const std::string title = "Index of " + core::html_escape(url_path);
    std::string out = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title +
                      "</title></head>\n<body>\n<h1>" + title + "</h1>\n<table>\n";
    if (url_path != "/")
        out += "<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n";
    for (const auto& e : entries) {
        const std::string shown = e.name + (e.directory ? "/" : "");
        out += "<tr><td><a href=\"" + percent_encode(e.name, "") + (e.directory ? "/" : "") + "\">" +
               core::html_escape(shown) + "</a></td><td>" + format_http_date(e.modified) + "</td><td>" +
               (e.directory ? "-" : std::to_string(e.size)) + "</td></tr>\n";
    }
    out += "</table>\n</body></html>\n";
    return out;
}

}  // namespace layer7::http
