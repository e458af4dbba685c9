// IMAP command syntax: see command_parser.hpp.
#include "mail/imap/command_parser.hpp"

#include <algorithm>
#include <utility>

namespace layer7::mail::imap {

namespace {

struct Marker {
    std::uint64_t size = 0;
    bool synchronizing = true;
    bool overflow = false;  // more digits than any size we could take
};

// "{123}" or "{123+}" at the end of `line`.
std::optional<Marker> literal_marker(std::string_view line)
{
    if (line.size() < 3 || line.back() != '}')
        return std::nullopt;
    const auto open = line.rfind('{');
    if (open == std::string_view::npos)
        return std::nullopt;
    std::string_view digits = line.substr(open + 1, line.size() - open - 2);
    Marker m;
    if (!digits.empty() && digits.back() == '+') {
        m.synchronizing = false;
        digits.remove_suffix(1);
    }
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    for (char c : digits) {
        if (m.size > (UINT64_MAX - 9) / 10) {
            m.overflow = true;
            break;
        }
        m.size = m.size * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return m;
}

std::string tag_of(std::string_view text)
{
    const auto space = text.find(' ');
    std::string_view tag = text.substr(0, space);
    if (tag.empty() || space == std::string_view::npos ||
        !std::all_of(tag.begin(), tag.end(), [](char c) { return atom_char(c) && c != '+'; }))
        return "*";
    return std::string(tag);
}

}  // namespace

bool atom_char(char c)
{
    // RFC 3501 §9: ATOM-CHAR is any CHAR except atom-specials "(){ %*"\]" and CTLs.
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '(' && c != ')' && c != '{' && c != '%' && c != '*' && c != '"' && c != '\\' &&
           c != ']';
}

CommandAssembler::Event CommandAssembler::on_line(std::string_view line)
{
    total_ += line.size() + 2;
    command_.text.append(line);
    if (total_ > limits_.max_command) {
        Event e{Status::refused, 0, true, tag_of(command_.text), "", false};
        e.error = e.tag + " BAD [TOOBIG] command too long";
        reset();
        total_ = 0;
        return e;
    }
    auto marker = literal_marker(line);
    if (!marker) {
        Event e;
        e.tag = tag_of(command_.text);
        return e;
    }
    Event e{Status::need_literal, marker->size, marker->synchronizing, tag_of(command_.text), "", false};
    if (marker->overflow || marker->size > limits_.max_literal || total_ + marker->size > limits_.max_command ||
        command_.literals.size() >= limits_.max_literals) {
        // Refused at the announcement: a synchronizing literal is never sent without our "+", so
        // the connection goes on; a LITERAL+ one is already on its way, so we must close.
        e.status = Status::refused;
        e.fatal = !marker->synchronizing;
        e.error = e.tag + (e.fatal ? " BAD" : " NO") + " [TOOBIG] literal over the limit of " +
                  std::to_string(limits_.max_literal) + " octets";
        reset();
        total_ = 0;
    }
    return e;
}

void CommandAssembler::on_literal(std::string bytes)
{
    total_ += bytes.size();
    command_.literals.push_back(std::move(bytes));
}

RawCommand CommandAssembler::take()
{
    total_ = 0;
    return std::exchange(command_, {});
}

bool SequenceSet::contains(std::uint32_t n, std::uint32_t largest) const
{
    for (const auto& r : ranges) {
        std::uint32_t a = r.first == star ? largest : r.first;
        std::uint32_t b = r.last == star ? largest : r.last;
        if (a > b)
            std::swap(a, b);
        if (n >= a && n <= b)
            return true;
    }
    return false;
}

bool Reader::consume(char c)
{
    if (peek() != c || at_end())
        return false;
    ++pos_;
    return true;
}

std::optional<std::string> Reader::atom(std::string_view extra)
{
    const std::size_t start = pos_;
    while (!at_end() && (atom_char(text_[pos_]) || extra.find(text_[pos_]) != std::string_view::npos))
        ++pos_;
    if (pos_ == start)
        return std::nullopt;
    return text_.substr(start, pos_ - start);
}

std::optional<std::string> Reader::quoted()
{
    if (!consume('"'))
        return std::nullopt;
    std::string out;
    while (!at_end()) {
        const char c = text_[pos_++];
        if (c == '"')
            return out;
        if (c == '\\') {
            if (at_end() || (text_[pos_] != '"' && text_[pos_] != '\\'))
                return std::nullopt;
            out += text_[pos_++];
        } else {
            out += c;
        }
    }
    return std::nullopt;
}

std::optional<std::string> Reader::literal()
{
    if (peek() != '{')
        return std::nullopt;
    const auto close = text_.find('}', pos_);
    if (close == std::string::npos || next_literal_ >= literals_.size())
        return std::nullopt;
    std::string_view digits = std::string_view(text_).substr(pos_ + 1, close - pos_ - 1);
    if (!digits.empty() && digits.back() == '+')
        digits.remove_suffix(1);
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    pos_ = close + 1;
    return literals_[next_literal_++];
}

std::optional<std::string> Reader::string()
{
    if (peek() == '"')
        return quoted();
    return literal();
}

std::optional<std::string> Reader::astring()
{
    if (peek() == '"' || peek() == '{')
        return string();
    return atom("]");
}

std::optional<std::uint32_t> Reader::number_or_zero()
{
    const std::size_t start = pos_;
    std::uint64_t v = 0;
    while (!at_end() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        v = v * 10 + static_cast<std::uint64_t>(text_[pos_++] - '0');
        if (v > UINT32_MAX)
            return std::nullopt;
    }
    if (pos_ == start)
        return std::nullopt;
    return static_cast<std::uint32_t>(v);
}

std::optional<std::uint64_t> Reader::mod_sequence(bool zero_ok)
{
    const std::size_t start = pos_;
    std::uint64_t v = 0;
    while (!at_end() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        const auto digit = static_cast<std::uint64_t>(text_[pos_++] - '0');
        if (v > (max_mod_sequence - digit) / 10)
            return std::nullopt;
        v = v * 10 + digit;
    }
    if (pos_ == start || (v == 0 && !zero_ok))
        return std::nullopt;
    return v;
}

std::optional<std::uint32_t> Reader::number()
{
    auto n = number_or_zero();
    if (!n || *n == 0)
        return std::nullopt;
    return n;
}

std::optional<SequenceSet> Reader::sequence_set(std::size_t max_ranges)
{
    SequenceSet set;
    auto one = [this]() -> std::optional<std::uint32_t> {
        if (consume('*'))
            return SequenceSet::star;
        return number();
    };
    do {
        auto first = one();
        if (!first)
            return std::nullopt;
        std::uint32_t last = *first;
        if (consume(':')) {
            auto l = one();
            if (!l)
                return std::nullopt;
            last = *l;
        }
        if (set.ranges.size() >= max_ranges)
            return std::nullopt;
        set.ranges.push_back({*first, last});
    } while (consume(','));
    return set;
}

std::optional<std::vector<std::string>> Reader::flag_list(bool parenthesis_optional)
{
    std::vector<std::string> out;
    auto flag = [this]() -> std::optional<std::string> {
        if (consume('\\')) {
            if (consume('*'))
                return std::string("\\*");
            auto name = atom();
            if (!name)
                return std::nullopt;
            return "\\" + *name;
        }
        return atom();
    };
    if (!consume('(')) {
        if (!parenthesis_optional)
            return std::nullopt;
        do {
            auto f = flag();
            if (!f)
                return std::nullopt;
            out.push_back(std::move(*f));
        } while (space());
        return out;
    }
    if (consume(')'))
        return out;
    do {
        auto f = flag();
        if (!f)
            return std::nullopt;
        out.push_back(std::move(*f));
    } while (space());
    if (!consume(')'))
        return std::nullopt;
    return out;
}

}  // namespace layer7::mail::imap
