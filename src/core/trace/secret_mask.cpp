// Secret masking for --trace: see secret_mask.hpp.
#include "core/trace/secret_mask.hpp"

#include <cctype>

namespace layer7::core {

namespace {

bool same_word(std::string_view word, std::string_view upper)
{
    if (word.size() != upper.size())
        return false;
    for (std::size_t i = 0; i < word.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(word[i])) != upper[i])
            return false;
    return true;
}

// Splits off the first space-separated word of `rest`.
std::string_view next_word(std::string_view& rest)
{
    const auto sp = rest.find(' ');
    std::string_view word = rest.substr(0, sp);
    rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
    return word;
}

// `kept` (a prefix of the line) followed by ****.
std::string keep_then_mask(std::string_view line, std::size_t kept)
{
    std::string out(line.substr(0, kept));
    out.append(masked);
    return out;
}

// An IMAP astring at the start of `rest` (atom or "quoted"); its length, or npos for a literal.
std::size_t astring_length(std::string_view rest)
{
    if (rest.empty() || rest[0] == '{')
        return std::string_view::npos;
    if (rest[0] != '"')
        return rest.find(' ');
    for (std::size_t i = 1; i < rest.size(); ++i) {
        if (rest[i] == '\\')
            ++i;
        else if (rest[i] == '"')
            return i + 1;
    }
    return std::string_view::npos;
}

// A server line that asks for more SASL data: SMTP "334 …", POP3 and IMAP "+ …" (not "+OK").
bool continuation(std::string_view line)
{
    return line.substr(0, 3) == "334" || line == "+" || line.substr(0, 2) == "+ ";
}

std::string mask_client(std::string_view line, SaslState& state)
{
    if (state.client_secrets_follow)
        return line == "*" ? std::string(line) : std::string(masked);  // "*" cancels (RFC 4954 §4)

    std::string_view rest = line;
    std::string_view first = next_word(rest);
    const std::size_t after_first = line.size() - rest.size();

    if (same_word(first, "PASS"))
        return rest.empty() ? std::string(line) : keep_then_mask(line, after_first);
    if (same_word(first, "AUTH")) {  // SMTP (RFC 4954), POP3 (RFC 5034)
        state.client_secrets_follow = true;
        next_word(rest);  // the mechanism
        return rest.empty() ? std::string(line) : keep_then_mask(line, line.size() - rest.size());
    }
    if (same_word(first, "AUTHORIZATION:") || same_word(first, "PROXY-AUTHORIZATION:")) {
        while (rest.substr(0, 1) == " ")
            rest.remove_prefix(1);
        const std::size_t value = line.size() - rest.size();
        next_word(rest);  // the scheme: Basic, Bearer, Digest…
        return keep_then_mask(line, rest.empty() ? value : line.size() - rest.size());
    }

    // IMAP: a tag, then the command (RFC 9051 §6.2.2, §6.2.3).
    std::string_view command = next_word(rest);
    if (same_word(command, "AUTHENTICATE")) {
        state.client_secrets_follow = true;
        next_word(rest);
        return rest.empty() ? std::string(line) : keep_then_mask(line, line.size() - rest.size());
    }
    if (same_word(command, "LOGIN") && !rest.empty()) {
        const std::size_t user = astring_length(rest);
        if (user == std::string_view::npos || user >= rest.size()) {
            // A literal user name: the password follows in continuation lines.
            state.client_secrets_follow = true;
            return keep_then_mask(line, line.size() - rest.size());
        }
        return keep_then_mask(line, line.size() - rest.size() + user + 1);
    }
    return std::string(line);
}

}  // namespace

std::string mask_secrets(Speaker who, std::string_view line, SaslState& state)
{
    if (who == Speaker::client)
        return mask_client(line, state);
    if (state.client_secrets_follow && !continuation(line))
        state.client_secrets_follow = false;
    return std::string(line);
}

}  // namespace layer7::core
