// Fuzzes the web mail HTML sanitiser: whatever comes in, no tag that goes out is a script, frame,
// style or object, none carries an event handler, a style or a javascript: URL, and sanitising the
// output again changes nothing (it is already in the sanitiser's own normal form, so nothing in it
// was left for a browser to reinterpret).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mail/web/sanitizer.hpp"

namespace web = layer7::mail::web;

namespace {

// A tag as the sanitiser writes it: `<name` then ` attr="value"` or ` attr`, values escaped (no raw
// quote), lower-cased here. Attribute names and URL values are checked, not every substring: text
// inside a harmless value ("border=\"style=\"") is only text.
void check_tag(std::string_view tag)  // lower case, from '<' to '>'
{
    for (std::string_view bad : {"<script", "<iframe", "<style", "<object", "<svg", "<embed", "<form"})
        if (tag.starts_with(bad))
            std::abort();
    std::size_t at = tag.find(' ');
    while (at != std::string_view::npos && at < tag.size()) {
        const std::size_t name_end = tag.find_first_of("= >", at + 1);
        if (name_end == std::string_view::npos)
            std::abort();
        const std::string_view name = tag.substr(at + 1, name_end - at - 1);
        if (name.starts_with("on") || name == "style")
            std::abort();
        at = name_end;
        if (tag[at] == '=') {
            if (at + 1 >= tag.size() || tag[at + 1] != '"')
                std::abort();  // the normal form quotes every value
            const std::size_t close = tag.find('"', at + 2);
            if (close == std::string_view::npos)
                std::abort();
            const std::string_view value = tag.substr(at + 2, close - at - 2);
            const bool url = name.ends_with("href") || name.ends_with("src") || name == "action" ||
                             name == "background" || name == "poster" || name == "cite";
            // A browser takes the scheme from the start only (after whitespace and control
            // characters): "#vbscript:x" is an anchor and "http://a/?javascript:" a query.
            std::string_view start = value;
            while (!start.empty() && static_cast<unsigned char>(start.front()) <= 0x20)
                start.remove_prefix(1);
            if (url)
                for (std::string_view scheme : {"javascript:", "vbscript:", "data:text"})
                    if (start.starts_with(scheme))
                        std::abort();
            at = close + 1;
        }
        if (at < tag.size() && tag[at] != ' ')
            break;  // the '>' (or "/>") that ends the tag
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view html(reinterpret_cast<const char*>(data), size);
    web::SanitizeOptions options;
    options.max_depth = 16;
    const auto once = web::sanitize_html(html, options);
    std::string lower = once.html;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (std::size_t lt = lower.find('<'); lt != std::string::npos; lt = lower.find('<', lt + 1)) {
        const std::size_t gt = lower.find('>', lt);
        if (gt == std::string::npos)
            std::abort();  // every '<' we write starts a whole tag
        check_tag(std::string_view(lower).substr(lt, gt - lt + 1));
    }
    if (web::sanitize_html(once.html, options).html != once.html)
        std::abort();
    return 0;
}
