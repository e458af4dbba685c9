// Embedded-object extraction: see page_links.hpp.
#include "http/client/page_links.hpp"

#include <algorithm>

#include "http/message/token.hpp"

namespace layer7::http::client {

namespace {

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// Which attribute of this tag names an object to fetch; empty for other tags.
std::string_view wanted_attribute(std::string_view tag)
{
    for (auto t : {"img", "script", "source", "audio", "video", "embed"})
        if (iequals(tag, t))
            return "src";
    if (iequals(tag, "link"))
        return "href";
    return {};
}

}  // namespace

std::vector<std::string> page_links(std::string_view html)
{
    std::vector<std::string> links;
    std::size_t i = 0;
    while ((i = html.find('<', i)) != std::string_view::npos) {
        if (html.substr(i).starts_with("<!--")) {
            const auto end = html.find("-->", i + 4);
            i = end == std::string_view::npos ? html.size() : end + 3;
            continue;
        }
        ++i;
        std::size_t j = i;
        while (j < html.size() && !is_space(html[j]) && html[j] != '>' && html[j] != '/')
            ++j;
        const std::string_view attribute = wanted_attribute(html.substr(i, j - i));
        // Attributes: name [= value], value quoted with ' or " or unquoted, until '>'.
        while (j < html.size() && html[j] != '>') {
            while (j < html.size() && (is_space(html[j]) || html[j] == '/'))
                ++j;
            const std::size_t name_at = j;
            while (j < html.size() && !is_space(html[j]) && html[j] != '=' && html[j] != '>')
                ++j;
            const std::string_view name = html.substr(name_at, j - name_at);
            while (j < html.size() && is_space(html[j]))
                ++j;
            if (j >= html.size() || html[j] != '=') {
                if (name.empty() && j < html.size() && html[j] != '>')
                    ++j;  // a stray byte: step over it
                continue;
            }
            ++j;
            while (j < html.size() && is_space(html[j]))
                ++j;
            std::string_view value;
            if (j < html.size() && (html[j] == '"' || html[j] == '\'')) {
                const auto end = html.find(html[j], j + 1);
                if (end == std::string_view::npos)
                    return links;
                value = html.substr(j + 1, end - j - 1);
                j = end + 1;
            } else {
                const std::size_t at = j;
                while (j < html.size() && !is_space(html[j]) && html[j] != '>')
                    ++j;
                value = html.substr(at, j - at);
            }
            value = trim_ows(value);
            if (!attribute.empty() && iequals(name, attribute) && !value.empty() &&
                !to_lower(value.substr(0, 5)).starts_with("data:") &&
                !to_lower(value.substr(0, 11)).starts_with("javascript:") &&
                std::find(links.begin(), links.end(), value) == links.end())
                links.emplace_back(value);
        }
        i = j;
    }
    return links;
}

}  // namespace layer7::http::client
