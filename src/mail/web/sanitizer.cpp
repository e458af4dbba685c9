// The HTML sanitiser: see sanitizer.hpp. A small tokenizer (HTML5 §13.2.5 simplified: text, tags
// with attributes, comments, declarations) feeds an allow-list writer that keeps a stack of the
// elements it opened.
#include "mail/web/sanitizer.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "core/text/ascii.hpp"
#include "core/text/html_escape.hpp"

namespace layer7::mail::web {
namespace {

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
bool is_alnum(char c)
{
    return core::is_alpha(c) || core::is_digit(c);
}

template <std::size_t N>
bool among(std::string_view name, const std::array<std::string_view, N>& set)
{
    return std::find(set.begin(), set.end(), name) != set.end();
}

// Dropped with everything up to their end tag: what runs code, styles the page or is not text.
constexpr std::array<std::string_view, 17> dropped_with_content{
    "script", "style", "iframe", "object", "applet",   "noscript", "noembed", "noframes", "template",
    "title",  "head",  "svg",    "math",   "textarea", "select",   "xmp",     "frameset"};
constexpr std::array<std::string_view, 47> allowed_tags{
    "a",        "abbr",  "address", "b",      "big",    "blockquote", "br",  "caption", "center", "cite", "code", "col",
    "colgroup", "dd",    "del",     "div",    "dl",     "dt",         "em",  "font",    "h1",     "h2",   "h3",   "h4",
    "h5",       "h6",    "hr",      "i",      "img",    "ins",        "kbd", "li",      "ol",     "p",    "pre",  "q",
    "s",        "small", "span",    "strike", "strong", "sub",        "sup", "table",   "tbody",  "td",   "tfoot"};
constexpr std::array<std::string_view, 6> more_allowed_tags{"th", "thead", "tr", "tt", "u", "ul"};
constexpr std::array<std::string_view, 4> void_tags{"br", "hr", "img", "col"};
// Presentation only: no URLs, no script, no CSS.
constexpr std::array<std::string_view, 20> allowed_attributes{
    "title", "lang",   "dir",         "align",       "valign",  "width",   "height", "bgcolor", "color",  "face",
    "size",  "border", "cellpadding", "cellspacing", "colspan", "rowspan", "alt",    "start",   "nowrap", "scope"};

bool tag_allowed(std::string_view name)
{
    return among(name, allowed_tags) || among(name, more_allowed_tags);
}

// Character references in an attribute value, so `jav&#x61;script:` is seen for what it is.
// Unknown named references stay as written (and are escaped on output: harmless text).
std::string decode_references(std::string_view in)
{
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> named{{{"amp", "&"},
                                                                                         {"lt", "<"},
                                                                                         {"gt", ">"},
                                                                                         {"quot", "\""},
                                                                                         {"apos", "'"},
                                                                                         {"nbsp", "\xc2\xa0"},
                                                                                         {"colon", ":"},
                                                                                         {"tab", "\t"},
                                                                                         {"newline", "\n"}}};
    std::string out;
    for (std::size_t i = 0; i < in.size();) {
        if (in[i] != '&') {
            out += in[i++];
            continue;
        }
        std::size_t j = i + 1;
        if (j < in.size() && in[j] == '#') {
            const bool hex = j + 1 < in.size() && (in[j + 1] == 'x' || in[j + 1] == 'X');
            j += hex ? 2 : 1;
            std::uint32_t code = 0;
            std::size_t digits = 0;
            for (; j < in.size(); ++j, ++digits) {
                const char c = core::to_lower(in[j]);
                int v = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (v < 0)
                    break;
                code = std::min<std::uint32_t>(code * (hex ? 16 : 10) + static_cast<std::uint32_t>(v), 0x110000);
            }
            if (digits == 0) {
                out += in[i++];
                continue;
            }
            if (j < in.size() && in[j] == ';')
                ++j;
            if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
                code = 0xFFFD;
            if (code < 0x80) {
                out += static_cast<char>(code);
            } else if (code < 0x800) {
                out += static_cast<char>(0xC0 | (code >> 6));
                out += static_cast<char>(0x80 | (code & 0x3F));
            } else if (code < 0x10000) {
                out += static_cast<char>(0xE0 | (code >> 12));
                out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
                out += static_cast<char>(0x80 | (code & 0x3F));
            } else {
                out += static_cast<char>(0xF0 | (code >> 18));
                out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
                out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
                out += static_cast<char>(0x80 | (code & 0x3F));
            }
            i = j;
            continue;
        }
        while (j < in.size() && is_alnum(in[j]) && j - i <= 8)
            ++j;
        const std::string name = core::to_lower(in.substr(i + 1, j - i - 1));
        auto found = std::find_if(named.begin(), named.end(), [&](const auto& n) { return n.first == name; });
        if (found == named.end()) {
            out += in[i++];
            continue;
        }
        out += found->second;
        i = j < in.size() && in[j] == ';' ? j + 1 : j;
    }
    return out;
}

// A link target: http, https and mailto only (and in-message anchors). Browsers ignore
// whitespace and control characters inside a scheme, so they are removed before looking.
std::optional<std::string> safe_link(std::string_view decoded)
{
    std::string url;
    for (char c : decoded)
        if (static_cast<unsigned char>(c) > 0x20 && c != 0x7F)
            url += c;
    const std::string head = core::to_lower(std::string_view(url).substr(0, 8));
    if (head.starts_with("http://") || head.starts_with("https://") || head.starts_with("mailto:") ||
        (url.starts_with('#') && url.size() > 1))
        return url;
    return std::nullopt;
}

struct Attribute {
    std::string name;   // lower case
    std::string value;  // references decoded
};

struct Tag {
    std::string name;  // lower case
    bool end = false;
    std::vector<Attribute> attributes;
};

class Writer {
public:
    Writer(const SanitizeOptions& options, Sanitized& out) : options_(options), out_(out) {}

    void text(std::string_view text)
    {
        for (std::size_t i = 0; i < text.size(); ++i) {
            const char c = text[i];
            if (c == '&') {
                // keep a well-formed reference as written; a bare '&' becomes &amp;
                std::size_t j = i + 1;
                while (j < text.size() && j - i <= 32 && (is_alnum(text[j]) || text[j] == '#'))
                    ++j;
                if (j > i + 1 && j < text.size() && text[j] == ';') {
                    out_.html.append(text.substr(i, j - i + 1));
                    i = j;
                } else {
                    out_.html += "&amp;";
                }
            } else if (c == '<') {
                out_.html += "&lt;";
            } else if (c == '>') {
                out_.html += "&gt;";
            } else if (c != '\0') {
                out_.html += c;
            }
        }
    }

    void tag(const Tag& tag)
    {
        if (!tag_allowed(tag.name))
            return;  // its text still shows
        if (tag.end) {
            close(tag.name);
            return;
        }
        const bool is_void = among(tag.name, void_tags);
        if (!is_void && open_.size() >= options_.max_depth)
            return;
        std::string attributes;
        bool keep = true;
        for (const auto& a : tag.attributes) {
            if (among(a.name, allowed_attributes)) {
                attributes += " " + a.name + "=\"" + core::html_escape(a.value) + "\"";
            } else if (tag.name == "a" && a.name == "href") {
                if (auto url = safe_link(a.value))
                    attributes +=
                        " href=\"" + core::html_escape(*url) + "\" rel=\"noopener noreferrer\" target=\"_blank\"";
            } else if (tag.name == "img" && a.name == "src") {
                keep = image_source(a.value, attributes);
            }
        }
        if (tag.name == "img" && attributes.find(" src=") == std::string::npos)
            keep = false;  // nothing to show, and no request to make
        if (!keep)
            return;
        out_.html += "<" + tag.name + attributes + ">";
        if (!is_void)
            open_.push_back(tag.name);
    }

    void finish()
    {
        while (!open_.empty()) {
            out_.html += "</" + open_.back() + ">";
            open_.pop_back();
        }
    }

private:
    bool image_source(const std::string& value, std::string& attributes)
    {
        std::string url;
        for (char c : value)
            if (static_cast<unsigned char>(c) > 0x20)
                url += c;
        const std::string head = core::to_lower(std::string_view(url).substr(0, 16));
        if (head.starts_with("cid:")) {
            auto target = options_.cid_url ? options_.cid_url(std::string_view(url).substr(4)) : std::nullopt;
            if (!target)
                return false;
            attributes += " src=\"" + core::html_escape(*target) + "\"";
            return true;
        }
        if (head.starts_with("http://") || head.starts_with("https://")) {
            if (!options_.allow_remote_images) {
                ++out_.blocked_images;
                return false;
            }
            attributes += " src=\"" + core::html_escape(url) + "\" referrerpolicy=\"no-referrer\"";
            return true;
        }
        if (head.starts_with("data:image/png") || head.starts_with("data:image/gif") ||
            head.starts_with("data:image/jpeg")) {
            attributes += " src=\"" + core::html_escape(url) + "\"";
            return true;
        }
        return false;
    }

    void close(const std::string& name)
    {
        auto it = std::find(open_.rbegin(), open_.rend(), name);
        if (it == open_.rend())
            return;  // never opened (or dropped): a stray end tag closes nothing of ours
        const auto keep = static_cast<std::size_t>(open_.rend() - it) - 1;
        while (open_.size() > keep) {
            out_.html += "</" + open_.back() + ">";
            open_.pop_back();
        }
    }

    const SanitizeOptions& options_;
    Sanitized& out_;
    std::vector<std::string> open_;
};

class Tokenizer {
public:
    explicit Tokenizer(std::string_view in) : in_(in) {}

    // Parses a tag at '<' (pos_ on it); nullopt when it is not one (then '<' is text).
    std::optional<Tag> tag()
    {
        std::size_t p = pos_ + 1;
        Tag t;
        if (p < in_.size() && in_[p] == '/') {
            t.end = true;
            ++p;
        }
        if (p >= in_.size() || !core::is_alpha(in_[p]))
            return std::nullopt;
        const std::size_t start = p;
        while (p < in_.size() && (is_alnum(in_[p]) || in_[p] == '-' || in_[p] == ':'))
            ++p;
        t.name = core::to_lower(in_.substr(start, p - start));
        for (;;) {
            while (p < in_.size() && (is_space(in_[p]) || in_[p] == '/'))
                ++p;
            if (p >= in_.size()) {
                pos_ = in_.size();  // a tag cut off by the end: dropped
                return Tag{};
            }
            if (in_[p] == '>') {
                pos_ = p + 1;
                return t;
            }
            const std::size_t name_start = p;
            while (p < in_.size() && !is_space(in_[p]) && in_[p] != '/' && in_[p] != '>' &&
                   (in_[p] != '=' || p == name_start))
                ++p;
            Attribute a{core::to_lower(in_.substr(name_start, p - name_start)), {}};
            while (p < in_.size() && is_space(in_[p]))
                ++p;
            if (p < in_.size() && in_[p] == '=') {
                ++p;
                while (p < in_.size() && is_space(in_[p]))
                    ++p;
                std::size_t value_start = p, value_end;
                if (p < in_.size() && (in_[p] == '"' || in_[p] == '\'')) {
                    const char quote = in_[p];
                    value_start = p + 1;
                    value_end = in_.find(quote, value_start);
                    if (value_end == std::string_view::npos)
                        value_end = in_.size();
                    p = std::min(value_end + 1, in_.size());
                } else {
                    while (p < in_.size() && !is_space(in_[p]) && in_[p] != '>')
                        ++p;
                    value_end = p;
                }
                a.value = decode_references(in_.substr(value_start, value_end - value_start));
            }
            if (!t.end && t.attributes.size() < 64)
                t.attributes.push_back(std::move(a));
        }
    }

    // Skips past "</name ... >" (case-insensitive), or to the end.
    void skip_to_end_of(const std::string& name)
    {
        for (std::size_t p = pos_; (p = in_.find("</", p)) != std::string_view::npos; p += 2) {
            if (core::to_lower(in_.substr(p + 2, name.size())) != name)
                continue;
            const std::size_t after = p + 2 + name.size();
            if (after < in_.size() && is_alnum(in_[after]))
                continue;
            const std::size_t gt = in_.find('>', after);
            pos_ = gt == std::string_view::npos ? in_.size() : gt + 1;
            return;
        }
        pos_ = in_.size();
    }

    void skip_past(std::string_view terminator, std::size_t from)
    {
        const std::size_t at = in_.find(terminator, from);
        pos_ = at == std::string_view::npos ? in_.size() : at + terminator.size();
    }

    std::string_view in_;
    std::size_t pos_ = 0;
};

}  // namespace

Sanitized sanitize_html(std::string_view html, const SanitizeOptions& options)
{
    Sanitized out;
    Writer writer(options, out);
    Tokenizer tok(html.substr(0, options.max_input));
    const std::string_view in = tok.in_;
    while (tok.pos_ < in.size()) {
        const std::size_t lt = in.find('<', tok.pos_);
        if (lt != tok.pos_) {
            const std::size_t end = lt == std::string_view::npos ? in.size() : lt;
            writer.text(in.substr(tok.pos_, end - tok.pos_));
            tok.pos_ = end;
            continue;
        }
        if (in.substr(lt, 4) == "<!--") {
            tok.skip_past("-->", lt + 4);
            continue;
        }
        if (lt + 1 < in.size() && (in[lt + 1] == '!' || in[lt + 1] == '?')) {
            tok.skip_past(">", lt + 1);  // DOCTYPE, CDATA, processing instructions
            continue;
        }
        auto tag = tok.tag();
        if (!tag) {
            writer.text("<");
            tok.pos_ = lt + 1;
            continue;
        }
        if (tag->name.empty())
            continue;
        if (!tag->end && among(tag->name, dropped_with_content)) {
            tok.skip_to_end_of(tag->name);
            continue;
        }
        writer.tag(*tag);
    }
    writer.finish();
    return out;
}

}  // namespace layer7::mail::web
