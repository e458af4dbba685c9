// Name: wire-form labels, presentation text with escapes, canonical order (RFC 1035, 4034 §6.1, 4343).
#include "dns/wire/name.hpp"

#include <algorithm>
#include <array>
#include <ostream>

namespace layer7::dns {
namespace {

unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + 32) : c;
}

// Offsets of each label's length byte, most specific first; returns the count (root excluded).
std::size_t label_offsets(std::string_view wire, std::array<std::uint8_t, 128>& out)
{
    std::size_t n = 0;
    for (std::size_t pos = 0; wire[pos] != 0; pos += 1 + static_cast<unsigned char>(wire[pos]))
        out[n++] = static_cast<std::uint8_t>(pos);
    return n;
}

bool special(unsigned char c)
{
    return c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' || c == '@' || c == '$';
}

}  // namespace

core::Result<Name, NameError> Name::from_wire(std::string_view wire)
{
    if (wire.empty() || wire.size() > max_name_length)
        return core::fail(wire.empty() ? NameError::bad_wire : NameError::name_too_long);
    std::size_t pos = 0;
    while (pos < wire.size() && wire[pos] != 0) {
        auto len = static_cast<unsigned char>(wire[pos]);
        if (len > max_label_length)
            return core::fail(NameError::label_too_long);
        pos += 1 + len;
    }
    if (pos + 1 != wire.size())
        return core::fail(NameError::bad_wire);
    return Name(std::string(wire));
}

core::Result<Name, NameError> Name::from_labels(std::span<const std::string_view> labels)
{
    std::string wire;
    for (auto label : labels) {
        if (label.empty())
            return core::fail(NameError::empty_label);
        if (label.size() > max_label_length)
            return core::fail(NameError::label_too_long);
        wire.push_back(static_cast<char>(label.size()));
        wire.append(label);
    }
    wire.push_back('\0');
    if (wire.size() > max_name_length)
        return core::fail(NameError::name_too_long);
    return Name(std::move(wire));
}

core::Result<Name, NameError> Name::parse(std::string_view text, const Name& origin)
{
    if (text == "@")
        return origin;
    if (text == ".")
        return Name();
    if (text.empty())
        return core::fail(NameError::empty_label);
    std::string wire;
    std::string label;
    bool absolute = false;
    auto end_label = [&]() -> bool {
        if (label.empty() || label.size() > max_label_length)
            return false;
        wire.push_back(static_cast<char>(label.size()));
        wire += label;
        label.clear();
        return true;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\') {
            if (i + 1 >= text.size())
                return core::fail(NameError::bad_escape);
            auto digit = [&](std::size_t k) { return k < text.size() && text[k] >= '0' && text[k] <= '9'; };
            if (digit(i + 1)) {
                if (!digit(i + 2) || !digit(i + 3))
                    return core::fail(NameError::bad_escape);
                int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
                if (v > 255)
                    return core::fail(NameError::bad_escape);
                label.push_back(static_cast<char>(v));
                i += 3;
            } else {
                label.push_back(text[++i]);
            }
        } else if (c == '.') {
            if (!end_label())
                return core::fail(label.empty() ? NameError::empty_label : NameError::label_too_long);
            if (i + 1 == text.size())
                absolute = true;
        } else {
            label.push_back(c);
        }
        if (label.size() > max_label_length)
            return core::fail(NameError::label_too_long);
    }
    if (!absolute && !end_label())
        return core::fail(NameError::label_too_long);
    if (absolute)
        wire.push_back('\0');
    else
        wire.append(origin.wire_);
    if (wire.size() > max_name_length)
        return core::fail(NameError::name_too_long);
    return Name(std::move(wire));
}

std::string Name::to_text() const
{
    if (is_root())
        return ".";
    std::string out;
    for (auto label : labels()) {
        for (unsigned char c : label) {
            if (special(c)) {
                out.push_back('\\');
                out.push_back(static_cast<char>(c));
            } else if (c < 0x21 || c > 0x7e) {
                out.push_back('\\');
                out.push_back(static_cast<char>('0' + c / 100));
                out.push_back(static_cast<char>('0' + c / 10 % 10));
                out.push_back(static_cast<char>('0' + c % 10));
            } else {
                out.push_back(static_cast<char>(c));
            }
        }
        out.push_back('.');
    }
    return out;
}

std::size_t Name::label_count() const
{
    std::array<std::uint8_t, 128> offsets;
    return label_offsets(wire_, offsets);
}

std::vector<std::string_view> Name::labels() const
{
    std::vector<std::string_view> out;
    std::string_view w = wire_;
    for (std::size_t pos = 0; w[pos] != 0; pos += 1 + static_cast<unsigned char>(w[pos]))
        out.push_back(w.substr(pos + 1, static_cast<unsigned char>(w[pos])));
    return out;
}

std::string_view Name::first_label() const
{
    return std::string_view(wire_).substr(1, static_cast<unsigned char>(wire_[0]));
}

Name Name::parent() const
{
    if (is_root())
        return *this;
    return Name(wire_.substr(1 + static_cast<unsigned char>(wire_[0])));
}

Name Name::suffix(std::size_t count) const
{
    std::array<std::uint8_t, 128> offsets;
    std::size_t n = label_offsets(wire_, offsets);
    if (count >= n)
        return *this;
    if (count == 0)
        return Name();
    return Name(wire_.substr(offsets[n - count]));
}

core::Result<Name, NameError> Name::prepend(std::string_view label) const
{
    if (label.empty())
        return core::fail(NameError::empty_label);
    if (label.size() > max_label_length)
        return core::fail(NameError::label_too_long);
    if (wire_.size() + 1 + label.size() > max_name_length)
        return core::fail(NameError::name_too_long);
    std::string wire;
    wire.push_back(static_cast<char>(label.size()));
    wire += label;
    wire += wire_;
    return Name(std::move(wire));
}

bool Name::is_subdomain_of(const Name& ancestor) const
{
    if (ancestor.wire_.size() > wire_.size())
        return false;
    const std::size_t start = wire_.size() - ancestor.wire_.size();
    std::size_t pos = 0;
    while (pos < start)
        pos += 1 + static_cast<unsigned char>(wire_[pos]);
    if (pos != start)
        return false;  // the tail does not begin on a label boundary
    return Name(wire_.substr(start)) == ancestor;
}

std::size_t Name::hash() const
{
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : wire_)
        h = (h ^ lower(c)) * 1099511628211ull;
    return static_cast<std::size_t>(h);
}

bool operator==(const Name& a, const Name& b)
{
    return a.wire_.size() == b.wire_.size() &&
           std::equal(a.wire_.begin(), a.wire_.end(), b.wire_.begin(), [](char x, char y) {
               return lower(static_cast<unsigned char>(x)) == lower(static_cast<unsigned char>(y));
           });
}

int canonical_compare(const Name& a, const Name& b)
{
    std::array<std::uint8_t, 128> oa, ob;
    std::size_t na = label_offsets(a.wire_, oa), nb = label_offsets(b.wire_, ob);
    for (std::size_t i = 1; i <= std::min(na, nb); ++i) {
        std::string_view la =
            std::string_view(a.wire_).substr(oa[na - i] + 1, static_cast<unsigned char>(a.wire_[oa[na - i]]));
        std::string_view lb =
            std::string_view(b.wire_).substr(ob[nb - i] + 1, static_cast<unsigned char>(b.wire_[ob[nb - i]]));
        for (std::size_t k = 0; k < std::min(la.size(), lb.size()); ++k) {
            int d = lower(static_cast<unsigned char>(la[k])) - lower(static_cast<unsigned char>(lb[k]));
            if (d != 0)
                return d;
        }
        if (la.size() != lb.size())
            return la.size() < lb.size() ? -1 : 1;
    }
    return na == nb ? 0 : (na < nb ? -1 : 1);
}

std::ostream& operator<<(std::ostream& out, const Name& name)
{
    return out << name.to_text();
}

std::string_view to_string(NameError e)
{
    switch (e) {
    case NameError::empty_label: return "empty label";
    case NameError::label_too_long: return "label longer than 63 octets";
    case NameError::name_too_long: return "name longer than 255 octets";
    case NameError::bad_escape: return "bad escape";
    case NameError::bad_wire: return "malformed wire name";
    }
    return "?";
}

}  // namespace layer7::dns
