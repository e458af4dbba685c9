// Address parsing and formatting: see address.hpp.
#include "mail/message/address.hpp"

#include <optional>

#include "mail/message/encoded_word.hpp"
#include "mail/message/header.hpp"

namespace layer7::mail {
namespace {

constexpr std::size_t max_local_part = 64;  // RFC 5321 §4.5.3.1.1
constexpr std::size_t max_domain = 255;     // RFC 5321 §4.5.3.1.2

// RFC 5322 §3.2.3 atext, plus UTF-8 bytes (RFC 6532 §3.2).
bool is_atext(char c)
{
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x80)
        return true;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_domain_char(char c)
{
    const auto b = static_cast<unsigned char>(c);
    return b >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

bool is_dot_atom(std::string_view s)
{
    if (s.empty() || s.front() == '.' || s.back() == '.' || s.find("..") != std::string_view::npos)
        return false;
    for (char c : s)
        if (c != '.' && !is_atext(c))
            return false;
    return true;
}

enum class Kind { atom, quoted, literal, special };
struct Token {
    Kind kind;
    std::string text;  // special: the character; literal: with its brackets
};

core::Result<std::vector<Token>, AddressError> tokenize(std::string_view s)
{
    std::vector<Token> out;
    for (std::size_t i = 0; i < s.size();) {
        const char c = s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            ++i;
        } else if (c == '(') {
            int depth = 0;
            for (; i < s.size(); ++i) {
                if (s[i] == '\\')
                    ++i;
                else if (s[i] == '(')
                    ++depth;
                else if (s[i] == ')' && --depth == 0)
                    break;
            }
            if (i >= s.size())
                return core::fail(AddressError::unterminated_comment);
            ++i;
        } else if (c == '"') {
            std::string text;
            for (++i; i < s.size() && s[i] != '"'; ++i) {
                if (s[i] == '\\' && i + 1 < s.size())
                    ++i;
                if (s[i] != '\r' && s[i] != '\n')
                    text.push_back(s[i]);
            }
            if (i >= s.size())
                return core::fail(AddressError::unterminated_quote);
            ++i;
            out.push_back({Kind::quoted, std::move(text)});
        } else if (c == '[') {
            const std::size_t end = s.find(']', i);
            if (end == std::string_view::npos)
                return core::fail(AddressError::unterminated_literal);
            out.push_back({Kind::literal, std::string(s.substr(i, end + 1 - i))});
            i = end + 1;
        } else if (is_atext(c)) {
            std::size_t end = i;
            while (end < s.size() && is_atext(s[end]))
                ++end;
            out.push_back({Kind::atom, std::string(s.substr(i, end - i))});
            i = end;
        } else if (std::string_view("<>@,;:.").find(c) != std::string_view::npos) {
            out.push_back({Kind::special, std::string(1, c)});
            ++i;
        } else {
            return core::fail(AddressError::syntax);
        }
    }
    return out;
}

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

    bool at_end() const { return pos_ >= tokens_.size(); }
    void skip() { ++pos_; }
    bool peek(char special) const
    {
        return !at_end() && tokens_[pos_].kind == Kind::special && tokens_[pos_].text[0] == special;
    }
    bool word() const { return !at_end() && (tokens_[pos_].kind == Kind::atom || tokens_[pos_].kind == Kind::quoted); }

    // address = mailbox / group; mailbox = name-addr / addr-spec.
    core::Result<Address, AddressError> address(bool allow_group)
    {
        const std::size_t start = pos_;
        std::string phrase;
        while (word() || (peek('.') && !phrase.empty())) {
            const Token& t = tokens_[pos_++];
            if (!phrase.empty() && t.text != ".")
                phrase += ' ';
            phrase += t.text;
        }
        Address out;
        if (peek('<')) {
            ++pos_;
            auto box = angle_addr();
            if (!box)
                return core::fail(box.error());
            box->display_name = decode_encoded_words(phrase);
            out.mailboxes.push_back(std::move(*box));
            return out;
        }
        if (peek(':') && allow_group && !phrase.empty()) {
            ++pos_;
            out.is_group = true;
            out.group_name = decode_encoded_words(phrase);
            while (!at_end() && !peek(';')) {
                if (peek(',')) {
                    ++pos_;
                    continue;
                }
                auto member = address(false);
                if (!member)
                    return core::fail(member.error());
                out.mailboxes.push_back(std::move(member->mailboxes.front()));
                if (!at_end() && !peek(',') && !peek(';'))
                    return core::fail(AddressError::syntax);
            }
            if (peek(';'))
                ++pos_;
            return out;
        }
        pos_ = start;
        auto box = addr_spec();
        if (!box)
            return core::fail(box.error());
        out.mailboxes.push_back(std::move(*box));
        return out;
    }

private:
    core::Result<Mailbox, AddressError> angle_addr()
    {
        if (peek('@')) {  // obs-route: "@a,@b:" — dropped
            while (!at_end() && !peek(':'))
                ++pos_;
            if (at_end())
                return core::fail(AddressError::syntax);
            ++pos_;
        }
        auto box = addr_spec();
        if (!box)
            return box;
        if (!peek('>'))
            return core::fail(AddressError::unterminated_literal);
        ++pos_;
        return box;
    }

    core::Result<Mailbox, AddressError> addr_spec()
    {
        Mailbox box;
        if (!word())
            return core::fail(AddressError::syntax);
        box.local_part = tokens_[pos_++].text;
        while (peek('.')) {
            ++pos_;
            if (!word())
                return core::fail(AddressError::syntax);
            box.local_part += '.' + tokens_[pos_++].text;
        }
        if (!peek('@'))
            return core::fail(AddressError::missing_at);
        ++pos_;
        if (!at_end() && tokens_[pos_].kind == Kind::literal) {
            box.domain = tokens_[pos_++].text;
            return box;
        }
        if (at_end() || tokens_[pos_].kind != Kind::atom)
            return core::fail(AddressError::bad_domain);
        box.domain = tokens_[pos_++].text;
        while (peek('.')) {
            ++pos_;
            if (at_end() || tokens_[pos_].kind != Kind::atom)
                return core::fail(AddressError::bad_domain);
            box.domain += '.' + tokens_[pos_++].text;
        }
        return box;
    }

    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
};

// RFC 5321 §4.1.2 Domain or address-literal, all of `s`.
bool valid_smtp_domain(std::string_view s)
{
    if (s.size() > max_domain || s.empty())
        return false;
    if (s.front() == '[')
        return s.size() > 2 && s.back() == ']' && s.find_first_of("[]\\", 1) == s.size() - 1;
    std::size_t label = 0;
    for (char c : s) {
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (is_domain_char(c)) {
            ++label;
        } else {
            return false;
        }
    }
    return label > 0;
}

}  // namespace

std::string Mailbox::address() const
{
    std::string local;
    if (is_dot_atom(local_part)) {
        local = local_part;
    } else {
        local = "\"";
        for (char c : local_part) {
            if (c == '"' || c == '\\')
                local.push_back('\\');
            local.push_back(c);
        }
        local += '"';
    }
    return domain.empty() ? local : local + "@" + domain;
}

core::Result<std::vector<Address>, AddressError> parse_address_list(std::string_view text)
{
    auto tokens = tokenize(text);
    if (!tokens)
        return core::fail(tokens.error());
    Parser parser(std::move(*tokens));
    std::vector<Address> out;
    while (!parser.at_end()) {
        if (parser.peek(',')) {  // obs-addr-list: empty elements
            parser.skip();
            continue;
        }
        auto address = parser.address(true);
        if (!address)
            return core::fail(address.error());
        out.push_back(std::move(*address));
        if (!parser.at_end() && !parser.peek(','))
            return core::fail(AddressError::syntax);
    }
    return out;
}

core::Result<Mailbox, AddressError> parse_mailbox(std::string_view text)
{
    auto list = parse_address_list(text);
    if (!list)
        return core::fail(list.error());
    if (list->size() != 1 || list->front().is_group || list->front().mailboxes.size() != 1)
        return core::fail(AddressError::syntax);
    return std::move(list->front().mailboxes.front());
}

std::vector<Mailbox> flatten(const std::vector<Address>& list)
{
    std::vector<Mailbox> out;
    for (const auto& address : list)
        out.insert(out.end(), address.mailboxes.begin(), address.mailboxes.end());
    return out;
}

core::Result<Path, AddressError> parse_path(std::string_view text)
{
    Path path;
    if (text.empty() || text.front() != '<')
        return core::fail(AddressError::syntax);
    std::size_t i = 1;
    if (text.substr(i, 1) == ">") {
        path.is_null = true;
        path.consumed = 2;
        return path;
    }
    if (text.substr(i, 1) == "@") {  // A-d-l source route (RFC 5321 §4.1.2, ignored per §F.2)
        const std::size_t colon = text.find(':', i);
        if (colon == std::string_view::npos)
            return core::fail(AddressError::syntax);
        i = colon + 1;
    }
    std::string local;
    if (text.substr(i, 1) == "\"") {
        for (++i; i < text.size() && text[i] != '"'; ++i) {
            if (text[i] == '\\' && i + 1 < text.size())
                ++i;
            if (static_cast<unsigned char>(text[i]) < 32)
                return core::fail(AddressError::syntax);
            local.push_back(text[i]);
        }
        if (i >= text.size())
            return core::fail(AddressError::unterminated_quote);
        ++i;
    } else {
        while (i < text.size() && (is_atext(text[i]) || text[i] == '.'))
            local.push_back(text[i++]);
        if (!is_dot_atom(local))
            return core::fail(AddressError::syntax);
    }
    if (local.size() > max_local_part)
        return core::fail(AddressError::too_long);
    std::string domain;
    if (i < text.size() && text[i] == '@') {
        const std::size_t end = text.find('>', i);
        if (end == std::string_view::npos)
            return core::fail(AddressError::unterminated_literal);
        domain = std::string(text.substr(i + 1, end - i - 1));
        if (domain.size() > max_domain)
            return core::fail(AddressError::too_long);
        if (!valid_smtp_domain(domain))
            return core::fail(AddressError::bad_domain);
        i = end;
    }
    if (i >= text.size() || text[i] != '>')
        return core::fail(AddressError::unterminated_literal);
    if (domain.empty() && !iequals(local, "postmaster"))  // only "<Postmaster>" may omit it (§4.1.1.3)
        return core::fail(AddressError::missing_at);
    path.mailbox.local_part = std::move(local);
    path.mailbox.domain = std::move(domain);
    path.consumed = i + 1;
    return path;
}

std::string format_mailbox(const Mailbox& mailbox, std::size_t used)
{
    const std::string address = "<" + mailbox.address() + ">";
    const std::string& name = mailbox.display_name;
    if (name.empty())
        return address;
    if (needs_encoding(name))
        return encode_header_text(name, used) + " " + address;
    std::string quoted = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\')
            quoted.push_back('\\');
        quoted.push_back(c);
    }
    return quoted + "\" " + address;
}

}  // namespace layer7::mail
