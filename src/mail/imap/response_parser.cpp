// IMAP responses for the client: see response_parser.hpp.
#include "mail/imap/response_parser.hpp"
#include "core/text/ascii.hpp"

#include <algorithm>
#include <charconv>

namespace layer7::mail::imap {
namespace {

// The {n} or {n+} at the end of a line, if any.
std::optional<std::size_t> trailing_literal(std::string_view line)
{
    if (line.empty() || line.back() != '}')
        return std::nullopt;
    const std::size_t open = line.rfind('{');
    if (open == std::string_view::npos)
        return std::nullopt;
    std::string_view digits = line.substr(open + 1, line.size() - open - 2);
    if (!digits.empty() && digits.back() == '+')
        digits.remove_suffix(1);
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
        return std::nullopt;
    return n;
}

class Parser {
public:
    Parser(std::string_view in, const ResponseLimits& limits) : in_(in), limits_(limits) {}

    bool at_end() const { return pos_ >= in_.size(); }
    void skip_spaces()
    {
        while (pos_ < in_.size() && in_[pos_] == ' ')
            ++pos_;
    }
    // Up to the next space (for tags, keywords, numbers).
    std::string_view word()
    {
        const std::size_t start = pos_;
        while (pos_ < in_.size() && in_[pos_] != ' ')
            ++pos_;
        return in_.substr(start, pos_ - start);
    }
    std::string_view rest()
    {
        std::string_view r = in_.substr(std::min(pos_, in_.size()));
        pos_ = in_.size();
        return r;
    }

    // Values up to the end of the input.
    core::Result<std::vector<Value>, std::string> values()
    {
        std::vector<Value> out;
        for (;;) {
            skip_spaces();
            if (at_end())
                return out;
            auto v = value(0);
            if (!v)
                return core::fail(v.error());
            out.push_back(std::move(*v));
        }
    }

private:
    core::Result<Value, std::string> value(std::size_t depth)
    {
        if (++items_ > limits_.max_items)
            return core::fail(std::string("too many values"));
        const char c = in_[pos_];
        if (c == '(') {
            if (depth >= limits_.max_depth)
                return core::fail(std::string("lists nested too deeply"));
            ++pos_;
            Value list{Value::Kind::list, {}, {}};
            for (;;) {
                skip_spaces();
                if (at_end())
                    return core::fail(std::string("unclosed list"));
                if (in_[pos_] == ')') {
                    ++pos_;
                    return list;
                }
                auto item = value(depth + 1);
                if (!item)
                    return item;
                list.items.push_back(std::move(*item));
            }
        }
        if (c == ')')
            return core::fail(std::string("unexpected ')'"));
        if (c == '"')
            return quoted();
        if (c == '{')
            return literal();
        return atom();
    }

    core::Result<Value, std::string> quoted()
    {
        Value v{Value::Kind::string, {}, {}};
        for (++pos_; pos_ < in_.size(); ++pos_) {
            char c = in_[pos_];
            if (c == '"') {
                ++pos_;
                return v;
            }
            if (c == '\\' && pos_ + 1 < in_.size())
                c = in_[++pos_];
            else if (c == '\r' || c == '\n')
                break;
            v.text += c;
        }
        return core::fail(std::string("unterminated quoted string"));
    }

    core::Result<Value, std::string> literal()
    {
        const std::size_t close = in_.find('}', pos_);
        if (close == std::string_view::npos)
            return core::fail(std::string("bad literal"));
        auto n = trailing_literal(in_.substr(pos_, close - pos_ + 1));
        if (!n || in_.substr(close + 1, 2) != "\r\n")
            return core::fail(std::string("bad literal"));
        const std::size_t start = close + 3;
        if (*n > in_.size() - std::min(start, in_.size()))
            return core::fail(std::string("literal longer than the response"));
        pos_ = start + *n;
        return Value{Value::Kind::string, std::string(in_.substr(start, *n)), {}};
    }

    // An atom; a '[' section runs to its ']' whatever it holds: BODY[HEADER.FIELDS (FROM TO)]<0>.
    core::Result<Value, std::string> atom()
    {
        const std::size_t start = pos_;
        while (pos_ < in_.size()) {
            const char c = in_[pos_];
            if (c == '[') {
                const std::size_t close = in_.find(']', pos_);
                if (close == std::string_view::npos)
                    return core::fail(std::string("unclosed '['"));
                pos_ = close + 1;
                continue;
            }
            if (c == ' ' || c == '(' || c == ')' || c == '"' || c == '{' || c == '\r' || c == '\n')
                break;
            ++pos_;
        }
        if (pos_ == start)
            return core::fail(std::string("unexpected character"));
        std::string text(in_.substr(start, pos_ - start));
        if (core::to_upper(text) == "NIL")
            return Value{Value::Kind::nil, {}, {}};
        return Value{Value::Kind::atom, std::move(text), {}};
    }

    std::string_view in_;
    const ResponseLimits& limits_;
    std::size_t pos_ = 0;
    std::size_t items_ = 0;
};

bool is_status(std::string_view keyword)
{
    return keyword == "OK" || keyword == "NO" || keyword == "BAD" || keyword == "BYE" || keyword == "PREAUTH";
}

void split_code(std::string_view text, Response& r)
{
    if (!text.empty() && text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close != std::string_view::npos) {
            r.code = std::string(text.substr(1, close - 1));
            text.remove_prefix(close + 1);
            if (!text.empty() && text.front() == ' ')
                text.remove_prefix(1);
        }
    }
    r.text = std::string(text);
}

}  // namespace

std::optional<std::uint64_t> Value::number() const
{
    if (kind != Kind::atom || text.empty() || text.size() > 19)
        return std::nullopt;
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return n;
}

AssembleStatus ResponseAssembler::on_line(std::string_view line)
{
    if (line.size() > limits_.max_line) {
        error_ = "response line longer than " + std::to_string(limits_.max_line) + " bytes";
        return AssembleStatus::error;
    }
    if (text_.size() + line.size() > limits_.max_response) {
        error_ = "response too large";
        return AssembleStatus::error;
    }
    text_.append(line);
    if (auto n = trailing_literal(line)) {
        if (*n > limits_.max_literal || text_.size() + *n > limits_.max_response) {
            error_ = "literal of " + std::to_string(*n) + " bytes is over the limit";
            return AssembleStatus::error;
        }
        literal_ = *n;
        text_ += "\r\n";
        return AssembleStatus::need_literal;
    }
    return AssembleStatus::complete;
}

AssembleStatus ResponseAssembler::on_literal(std::string_view bytes)
{
    if (bytes.size() != literal_) {
        error_ = "literal cut short";
        return AssembleStatus::error;
    }
    text_.append(bytes);
    literal_ = 0;
    return AssembleStatus::complete;  // the line goes on: the caller reads its next part
}

std::string ResponseAssembler::take()
{
    std::string out = std::move(text_);
    text_.clear();
    literal_ = 0;
    return out;
}

core::Result<Response, std::string> parse_response(std::string_view text, const ResponseLimits& limits)
{
    Parser p(text, limits);
    Response r;
    const std::string_view first = p.word();
    if (first.empty())
        return core::fail(std::string("empty response"));
    if (first == "+") {
        r.kind = Response::Kind::continuation;
        p.skip_spaces();
        split_code(p.rest(), r);
        return r;
    }
    if (first != "*") {
        r.kind = Response::Kind::tagged;
        r.tag = std::string(first);
    }
    p.skip_spaces();
    std::string_view word = p.word();
    if (r.kind == Response::Kind::untagged && !word.empty() &&
        std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        std::uint32_t n = 0;
        auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
        if (ec != std::errc())
            return core::fail(std::string("number out of range"));
        r.number = n;
        p.skip_spaces();
        word = p.word();
    }
    if (word.empty())
        return core::fail(std::string("no keyword"));
    r.keyword = core::to_upper(word);
    p.skip_spaces();
    if (is_status(r.keyword)) {
        split_code(p.rest(), r);
        return r;
    }
    if (r.kind == Response::Kind::tagged)
        return core::fail("a tagged " + r.keyword + " is not a status");
    auto values = p.values();
    if (!values)
        return core::fail(values.error());
    r.data = std::move(*values);
    return r;
}

std::optional<ListEntry> list_entry(const Response& r)
{
    if ((r.keyword != "LIST" && r.keyword != "LSUB") || r.data.size() != 3 || !r.data[0].is_list())
        return std::nullopt;
    ListEntry e;
    for (const auto& f : r.data[0].items)
        e.flags.push_back(f.text);
    e.delimiter = r.data[1].text;
    e.name = r.data[2].text;
    if (r.data[2].is_list())
        return std::nullopt;
    return e;
}

std::optional<std::uint64_t> StatusEntry::get(std::string_view item) const
{
    for (const auto& [name, value] : items)
        if (name == item)
            return value;
    return std::nullopt;
}

std::optional<StatusEntry> status_entry(const Response& r)
{
    if (r.keyword != "STATUS" || r.data.size() != 2 || !r.data[1].is_list() || r.data[0].is_list())
        return std::nullopt;
    StatusEntry e{r.data[0].text, {}};
    const auto& items = r.data[1].items;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2)
        if (auto n = items[i + 1].number())
            e.items.emplace_back(core::to_upper(items[i].text), *n);
    return e;
}

std::vector<std::uint32_t> search_result(const Response& r)
{
    std::vector<std::uint32_t> out;
    if (r.keyword != "SEARCH")
        return out;
    for (const auto& v : r.data)
        if (auto n = v.number(); n && *n <= 0xFFFFFFFFu)
            out.push_back(static_cast<std::uint32_t>(*n));
    return out;
}

const Value* fetch_item(const Response& r, std::string_view name)
{
    if (r.keyword != "FETCH" || r.data.size() != 1 || !r.data[0].is_list())
        return nullptr;
    const auto& items = r.data[0].items;
    const std::string wanted = core::to_upper(name);
    for (std::size_t i = 0; i + 1 < items.size(); i += 2)
        if (core::to_upper(items[i].text) == wanted)
            return &items[i + 1];
    return nullptr;
}

std::vector<std::string> flag_list(const Value& flags)
{
    std::vector<std::string> out;
    for (const auto& f : flags.items)
        out.push_back(f.text);
    return out;
}

std::optional<std::string> quote(std::string_view text)
{
    std::string out = "\"";
    for (char c : text) {
        if (c == '\r' || c == '\n' || c == '\0')
            return std::nullopt;
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

}  // namespace layer7::mail::imap
