// A small XML reader: see xml.hpp.
#include "stream/xml.hpp"

#include <cstdint>

namespace layer7::stream {

namespace {

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_name_char(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':' ||
           c == '-' || c == '.' || u >= 0x80;
}

std::string local_name(std::string_view qualified)
{
    const auto colon = qualified.rfind(':');
    return std::string(colon == std::string_view::npos ? qualified : qualified.substr(colon + 1));
}

void append_utf8(std::string& out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

class Reader {
public:
    Reader(std::string_view in, const XmlLimits& limits) : in_(in), limits_(limits) {}

    core::Result<XmlElement, XmlError> run()
    {
        if (in_.size() > limits_.max_input)
            return core::fail(XmlError{XmlErrorCode::too_large, limits_.max_input});
        if (in_.starts_with("\xEF\xBB\xBF"))  // a UTF-8 byte order mark
            pos_ = 3;
        std::optional<XmlElement> root;
        std::vector<XmlElement> open;  // the elements being read, innermost last
        while (pos_ < in_.size()) {
            if (in_[pos_] != '<') {
                const auto end = in_.find('<', pos_);
                const auto raw = in_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
                if (open.empty()) {  // only white space outside the root
                    for (char c : raw)
                        if (!is_space(c))
                            return error(XmlErrorCode::syntax);
                } else if (!decode(raw, open.back().text)) {
                    return error(XmlErrorCode::bad_reference);
                }
                pos_ += raw.size();
                continue;
            }
            const auto rest = in_.substr(pos_);
            if (rest.starts_with("<!--")) {
                if (!skip_past("-->"))
                    return error(XmlErrorCode::syntax);
            } else if (rest.starts_with("<?")) {
                if (!skip_past("?>"))
                    return error(XmlErrorCode::syntax);
            } else if (rest.starts_with("<![CDATA[")) {
                const auto end = in_.find("]]>", pos_ + 9);
                if (open.empty() || end == std::string_view::npos)
                    return error(XmlErrorCode::syntax);
                open.back().text.append(in_.substr(pos_ + 9, end - pos_ - 9));
                pos_ = end + 3;
            } else if (rest.starts_with("<!")) {
                return error(XmlErrorCode::doctype);
            } else if (rest.starts_with("</")) {
                pos_ += 2;
                const auto name = read_name();
                skip_space();
                if (name.empty() || !eat('>'))
                    return error(XmlErrorCode::syntax);
                if (open.empty() || open.back().name != local_name(name))
                    return error(XmlErrorCode::mismatched_tag);
                XmlElement done = std::move(open.back());
                open.pop_back();
                place(std::move(done), open, root);
            } else {
                if (root || ++elements_ > limits_.max_elements)
                    return error(root ? XmlErrorCode::syntax : XmlErrorCode::too_many_elements);
                if (open.size() >= limits_.max_depth)
                    return error(XmlErrorCode::too_deep);
                ++pos_;
                XmlElement e;
                bool empty = false;
                if (auto tag = read_tag(e, empty); !tag)
                    return core::fail(tag.error());
                if (empty)
                    place(std::move(e), open, root);
                else
                    open.push_back(std::move(e));
            }
        }
        if (!open.empty())
            return error(XmlErrorCode::mismatched_tag);
        if (!root)
            return error(XmlErrorCode::no_root);
        return std::move(*root);
    }

private:
    struct Unit {};

    core::Error<XmlError> error(XmlErrorCode code) const { return core::fail(XmlError{code, pos_}); }

    // A finished element goes into its parent, or becomes the root.
    static void place(XmlElement e, std::vector<XmlElement>& open, std::optional<XmlElement>& root)
    {
        if (open.empty())
            root = std::move(e);
        else
            open.back().children.push_back(std::move(e));
    }

    // After "<": the name, attributes, and "/>" or ">".
    core::Result<Unit, XmlError> read_tag(XmlElement& e, bool& empty)
    {
        const auto name = read_name();
        if (name.empty())
            return error(XmlErrorCode::syntax);
        e.name = local_name(name);
        for (;;) {
            const bool spaced = skip_space();
            if (eat('>'))
                return Unit{};
            if (in_.substr(pos_).starts_with("/>")) {
                pos_ += 2;
                empty = true;
                return Unit{};
            }
            const auto attr = read_name();
            if (attr.empty() || !spaced)
                return error(XmlErrorCode::syntax);
            skip_space();
            if (!eat('='))
                return error(XmlErrorCode::syntax);
            skip_space();
            if (pos_ >= in_.size() || (in_[pos_] != '"' && in_[pos_] != '\''))
                return error(XmlErrorCode::syntax);
            const char quote = in_[pos_++];
            const auto end = in_.find(quote, pos_);
            if (end == std::string_view::npos)
                return error(XmlErrorCode::syntax);
            const auto raw = in_.substr(pos_, end - pos_);
            if (raw.find('<') != std::string_view::npos)
                return error(XmlErrorCode::syntax);
            if (e.attributes.size() >= limits_.max_attributes)
                return error(XmlErrorCode::too_many_attributes);
            std::string value;
            if (!decode(raw, value))
                return error(XmlErrorCode::bad_reference);
            pos_ = end + 1;
            e.attributes.emplace_back(local_name(attr), std::move(value));
        }
    }

    std::string_view read_name()
    {
        const auto start = pos_;
        while (pos_ < in_.size() && is_name_char(in_[pos_]))
            ++pos_;
        return in_.substr(start, pos_ - start);
    }
    bool skip_space()
    {
        const auto start = pos_;
        while (pos_ < in_.size() && is_space(in_[pos_]))
            ++pos_;
        return pos_ > start;
    }
    bool eat(char c)
    {
        if (pos_ < in_.size() && in_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    bool skip_past(std::string_view end)
    {
        const auto at = in_.find(end, pos_);
        if (at == std::string_view::npos)
            return false;
        pos_ = at + end.size();
        return true;
    }

    // Appends `raw` with its entity and character references replaced.
    static bool decode(std::string_view raw, std::string& out)
    {
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] != '&') {
                out.push_back(raw[i]);
                continue;
            }
            const auto semi = raw.find(';', i);
            if (semi == std::string_view::npos || semi - i > 10)
                return false;
            const auto ref = raw.substr(i + 1, semi - i - 1);
            i = semi;
            if (ref == "lt")
                out.push_back('<');
            else if (ref == "gt")
                out.push_back('>');
            else if (ref == "amp")
                out.push_back('&');
            else if (ref == "quot")
                out.push_back('"');
            else if (ref == "apos")
                out.push_back('\'');
            else if (ref.starts_with('#')) {
                const bool hex = ref.size() > 1 && ref[1] == 'x';
                const auto digits = ref.substr(hex ? 2 : 1);
                if (digits.empty())
                    return false;
                std::uint32_t cp = 0;
                for (char c : digits) {
                    int v = c >= '0' && c <= '9'          ? c - '0'
                            : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                            : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                          : -1;
                    if (v < 0)
                        return false;
                    cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
                    if (cp > 0x10FFFF)
                        return false;
                }
                if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
                    return false;
                append_utf8(out, cp);
            } else {
                return false;
            }
        }
        return true;
    }

    std::string_view in_;
    const XmlLimits& limits_;
    std::size_t pos_ = 0;
    std::size_t elements_ = 0;
};

}  // namespace

std::optional<std::string_view> XmlElement::attribute(std::string_view name) const
{
    for (const auto& [k, v] : attributes)
        if (k == name)
            return std::string_view(v);
    return std::nullopt;
}

std::vector<const XmlElement*> XmlElement::all(std::string_view name) const
{
    std::vector<const XmlElement*> out;
    for (const auto& c : children)
        if (c.name == name)
            out.push_back(&c);
    return out;
}

const XmlElement* XmlElement::first(std::string_view name) const
{
    for (const auto& c : children)
        if (c.name == name)
            return &c;
    return nullptr;
}

std::string XmlError::describe() const
{
    const char* what = "";
    switch (code) {
    case XmlErrorCode::too_large: what = "document too large"; break;
    case XmlErrorCode::too_many_elements: what = "too many elements"; break;
    case XmlErrorCode::too_deep: what = "elements nested too deep"; break;
    case XmlErrorCode::too_many_attributes: what = "too many attributes"; break;
    case XmlErrorCode::syntax: what = "not well-formed XML"; break;
    case XmlErrorCode::mismatched_tag: what = "mismatched or unclosed tag"; break;
    case XmlErrorCode::bad_reference: what = "bad entity or character reference"; break;
    case XmlErrorCode::doctype: what = "DOCTYPE not accepted"; break;
    case XmlErrorCode::no_root: what = "no root element"; break;
    }
    return std::string(what) + " at byte " + std::to_string(offset);
}

core::Result<XmlElement, XmlError> parse_xml(std::string_view input, const XmlLimits& limits)
{
    return Reader(input, limits).run();
}

}  // namespace layer7::stream
