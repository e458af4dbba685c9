// Content-Type / Content-Disposition parameters: see mime_params.hpp.
#include "mail/message/mime_params.hpp"

#include <algorithm>

#include "core/text/ascii.hpp"
#include "core/text/percent.hpp"
#include "mail/message/encoded_word.hpp"
#include "mail/message/header.hpp"

namespace layer7::mail {
namespace {

constexpr std::size_t max_segments = 1000;  // RFC 2231 continuations of one parameter
constexpr std::size_t max_piece = 50;       // encoded characters per continuation line (≤ 78)

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// RFC 2045 §5.1 token: CHAR except SPACE, CTLs and tspecials.
bool is_token_char(char c)
{
    const auto b = static_cast<unsigned char>(c);
    return b > 32 && b < 127 && std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}

// RFC 2231 §7 attribute-char: token characters except '*', '\'' and '%'.
bool is_attribute_char(char c)
{
    return is_token_char(c) && c != '*' && c != '\'' && c != '%';
}

void skip_cfws(std::string_view s, std::size_t& i)
{
    int depth = 0;
    for (; i < s.size(); ++i) {
        if (s[i] == '(') {
            ++depth;
        } else if (s[i] == ')' && depth > 0) {
            --depth;
        } else if (s[i] == '\\' && depth > 0) {
            ++i;
        } else if (depth == 0 && !is_space(s[i])) {
            return;
        }
    }
}

std::string quoted_string(std::string_view s, std::size_t& i)
{
    std::string out;
    for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size())
            ++i;
        if (s[i] != '\r' && s[i] != '\n')
            out.push_back(s[i]);
    }
    ++i;
    return out;
}

struct Segment {
    std::string name;  // base name, lower case
    long index = -1;   // -1: no "*n"; a lone "name*" counts as segment 0
    bool encoded = false;
    std::string value;
};

Segment split_name(std::string name, std::string value)
{
    Segment seg;
    seg.value = std::move(value);
    if (!name.empty() && name.back() == '*') {
        seg.encoded = true;
        name.pop_back();
        seg.index = 0;
    }
    const std::size_t star = name.rfind('*');
    if (star != std::string::npos && star + 1 < name.size() && star + 5 >= name.size() &&
        std::all_of(name.begin() + static_cast<long>(star) + 1, name.end(),
                    [](char c) { return c >= '0' && c <= '9'; })) {
        seg.index = std::stol(name.substr(star + 1));
        name.resize(star);
    }
    seg.name = std::move(name);
    return seg;
}

// Joins RFC 2231 segments of one parameter (§3 continuations, §4 charset'language'value).
std::string join_segments(std::vector<const Segment*> parts)
{
    std::stable_sort(parts.begin(), parts.end(),
                     [](const Segment* a, const Segment* b) { return a->index < b->index; });
    std::string bytes;
    std::string charset;
    long last = -2;
    for (const Segment* part : parts) {
        if (part->index == last)
            continue;  // a repeated segment: the first one wins
        std::string_view text = part->value;
        if (part->encoded && last == -2) {
            const std::size_t q1 = text.find('\'');
            const std::size_t q2 = q1 == std::string_view::npos ? q1 : text.find('\'', q1 + 1);
            if (q2 != std::string_view::npos) {
                charset = std::string(text.substr(0, q1));
                text.remove_prefix(q2 + 1);
            }
        }
        bytes += part->encoded ? core::percent_decode(text, {.keep_malformed = true, .allow_nul = true}).value()
                               : std::string(text);
        last = part->index;
    }
    if (charset.empty())
        return bytes;
    auto utf8 = charset_to_utf8(charset, bytes);
    return utf8 ? *utf8 : bytes;
}

}  // namespace

std::string_view ParamField::param(std::string_view name) const
{
    for (const auto& p : params)
        if (iequals(p.name, name))
            return p.value;
    return {};
}

bool ParamField::has(std::string_view name) const
{
    return std::any_of(params.begin(), params.end(), [&](const Param& p) { return iequals(p.name, name); });
}

ParamField parse_param_field(std::string_view s)
{
    ParamField out;
    std::size_t i = 0;
    for (skip_cfws(s, i); i < s.size() && s[i] != ';'; skip_cfws(s, i)) {
        if (s[i] == '"')
            out.value += quoted_string(s, i);
        else
            out.value.push_back(s[i++]);
    }
    out.value = to_lower(out.value);
    std::vector<Segment> segments;
    while (i < s.size() && segments.size() < max_segments) {
        ++i;  // ';'
        skip_cfws(s, i);
        std::string name;
        while (i < s.size() && s[i] != '=' && s[i] != ';' && !is_space(s[i]) && s[i] != '(')
            name.push_back(s[i++]);
        skip_cfws(s, i);
        if (i >= s.size() || s[i] != '=' || name.empty()) {
            i = std::min(s.find(';', i), s.size());
            continue;
        }
        ++i;
        skip_cfws(s, i);
        std::string value;
        if (i < s.size() && s[i] == '"') {
            value = quoted_string(s, i);
        } else {  // lenient: an unquoted value runs to ';' or a comment (spaces in filenames happen)
            while (i < s.size() && s[i] != ';' && s[i] != '(')
                value.push_back(s[i++]);
            while (!value.empty() && is_space(value.back()))
                value.pop_back();
        }
        i = std::min(s.find(';', std::min(i, s.size())), s.size());
        segments.push_back(split_name(to_lower(name), std::move(value)));
    }
    std::vector<std::string> done;
    for (const Segment& seg : segments) {
        if (std::find(done.begin(), done.end(), seg.name) != done.end())
            continue;
        done.push_back(seg.name);
        std::vector<const Segment*> extended;
        const Segment* plain = nullptr;
        for (const Segment& other : segments) {
            if (other.name != seg.name)
                continue;
            if (other.index >= 0)
                extended.push_back(&other);
            else if (!plain)
                plain = &other;
        }
        out.params.push_back({seg.name, extended.empty() ? plain->value : join_segments(std::move(extended))});
    }
    return out;
}

std::string format_param(std::string_view name, std::string_view value)
{
    const std::string head = ";\r\n " + std::string(name);
    const bool all_token = !value.empty() && std::all_of(value.begin(), value.end(), is_token_char);
    if (all_token && name.size() + value.size() < 70)
        return head + "=" + std::string(value);
    const bool printable = std::all_of(value.begin(), value.end(), [](char c) { return c >= 32 && c < 127; });
    if (printable && name.size() + value.size() < 60) {
        std::string out = head + "=\"";
        for (char c : value) {
            if (c == '"' || c == '\\')
                out.push_back('\\');
            out.push_back(c);
        }
        return out + "\"";
    }
    static constexpr char hex[] = "0123456789ABCDEF";
    std::vector<std::string> pieces(1);
    for (char c : value) {
        std::string unit(1, c);
        if (!is_attribute_char(c)) {
            const auto b = static_cast<unsigned char>(c);
            unit = {'%', hex[b >> 4], hex[b & 15]};
        }
        if (pieces.back().size() + unit.size() > max_piece)
            pieces.emplace_back();
        pieces.back() += unit;
    }
    if (pieces.size() == 1)
        return head + "*=utf-8''" + pieces.front();
    std::string out;
    for (std::size_t n = 0; n < pieces.size(); ++n)
        out += head + "*" + std::to_string(n) + "*=" + (n == 0 ? "utf-8''" : "") + pieces[n];
    return out;
}

}  // namespace layer7::mail
