// The message list: see listing.hpp.
#include "mail/web/listing.hpp"

#include <algorithm>
#include <charconv>

#include "http/message/form.hpp"
#include "mail/message/address.hpp"
#include "mail/message/encoded_word.hpp"
#include "mail/message/header.hpp"

namespace layer7::mail::web {
namespace {

char fold(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// ASCII case folding is enough for a search box; UTF-8 bytes compare as they are.
bool contains_folded(std::string_view haystack, std::string_view needle)
{
    if (needle.empty())
        return true;
    auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                          [](char a, char b) { return fold(a) == fold(b); });
    return it != haystack.end();
}

std::size_t to_number(std::string_view s, std::size_t fallback, std::size_t min, std::size_t max)
{
    std::size_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size())
        return fallback;
    return std::clamp(v, min, max);
}

constexpr std::pair<std::string_view, SortKey> sort_names[] = {{"arrival", SortKey::arrival},
                                                               {"date", SortKey::date},
                                                               {"from", SortKey::from},
                                                               {"subject", SortKey::subject},
                                                               {"size", SortKey::size}};

}  // namespace

Summary summarize(std::string_view message, std::uint32_t uid, std::string flags, std::int64_t date, std::uint64_t size)
{
    Summary s;
    s.uid = uid;
    s.flags = std::move(flags);
    s.date = date;
    s.size = size;
    auto parsed = parse_header(message);
    if (!parsed)
        return s;
    const Header& h = parsed->header;
    s.subject = decode_encoded_words(h.get("Subject"));
    s.to = decode_encoded_words(h.get("To"));
    const std::string_view from = h.get("From");
    if (auto list = parse_address_list(from); list && !flatten(*list).empty()) {
        const Mailbox first = flatten(*list).front();
        s.from = first.display_name.empty() ? first.address() : first.display_name;
    } else {
        s.from = decode_encoded_words(from);
    }
    const std::string type = to_lower(h.get("Content-Type"));
    s.attachments = type.starts_with("multipart/mixed");
    return s;
}

ListQuery parse_list_query(std::string_view query)
{
    ListQuery q;
    auto fields = http::decode_form(query);
    if (!fields)
        return q;
    for (const auto& [name, value] : *fields) {
        if (name == "sort") {
            for (const auto& [n, key] : sort_names)
                if (value == n)
                    q.key = key;
        } else if (name == "order") {
            q.descending = value != "asc";
        } else if (name == "q") {
            q.search = value.substr(0, 200);
        } else if (name == "page") {
            q.page = to_number(value, 0, 0, 1u << 20);
        } else if (name == "n") {
            q.per_page = to_number(value, q.per_page, 1, 200);
        }
    }
    return q;
}

std::string list_query_string(const ListQuery& q)
{
    const ListQuery defaults;
    http::FormFields fields;
    if (q.key != defaults.key)
        for (const auto& [n, key] : sort_names)
            if (key == q.key)
                fields.emplace_back("sort", std::string(n));
    if (q.descending != defaults.descending)
        fields.emplace_back("order", q.descending ? "desc" : "asc");
    if (!q.search.empty())
        fields.emplace_back("q", q.search);
    if (q.page != 0)
        fields.emplace_back("page", std::to_string(q.page));
    if (q.per_page != defaults.per_page)
        fields.emplace_back("n", std::to_string(q.per_page));
    return http::encode_form(fields);
}

ListPage list_page(std::vector<Summary> all, const ListQuery& query)
{
    std::erase_if(all, [&](const Summary& s) {
        return !(contains_folded(s.subject, query.search) || contains_folded(s.from, query.search) ||
                 contains_folded(s.to, query.search));
    });
    auto less = [&](const Summary& a, const Summary& b) {
        switch (query.key) {
        case SortKey::date:
            if (a.date != b.date)
                return a.date < b.date;
            break;
        case SortKey::from:
            if (auto c = to_lower(a.from).compare(to_lower(b.from)); c != 0)
                return c < 0;
            break;
        case SortKey::subject:
            if (auto c = to_lower(a.subject).compare(to_lower(b.subject)); c != 0)
                return c < 0;
            break;
        case SortKey::size:
            if (a.size != b.size)
                return a.size < b.size;
            break;
        case SortKey::arrival: break;
        }
        return a.uid < b.uid;
    };
    std::sort(all.begin(), all.end(),
              [&](const Summary& a, const Summary& b) { return query.descending ? less(b, a) : less(a, b); });
    ListPage page;
    page.total = all.size();
    const std::size_t per = std::max<std::size_t>(1, query.per_page);
    page.pages = std::max<std::size_t>(1, (all.size() + per - 1) / per);
    page.page = std::min(query.page, page.pages - 1);
    const std::size_t begin = page.page * per, end = std::min(all.size(), begin + per);
    if (begin < end)
        page.rows.assign(std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(begin)),
                         std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(end)));
    return page;
}

}  // namespace layer7::mail::web
