// Zone-file lexer: entries, parentheses, comments, quotes, escapes (RFC 1035 §5.1).
#include "dns/zone/zone_lexer.hpp"

namespace layer7::dns {

core::Result<std::vector<ZoneEntry>, ZoneError> lex_zone(std::string_view text, std::string_view file,
                                                         const LexLimits& limits)
{
    std::vector<ZoneEntry> entries;
    ZoneEntry entry;
    TextToken token;
    bool in_token = false;
    std::size_t line = 1, paren_line = 0;
    bool at_line_start = true;
    auto error = [&](std::size_t at, std::string message) {
        return core::fail(ZoneError{std::string(file), at, std::move(message)});
    };
    auto end_token = [&]() -> bool {
        if (!in_token)
            return true;
        if (entry.tokens.empty())
            entry.line = line;
        entry.tokens.push_back(std::move(token));
        token = {};
        in_token = false;
        return entry.tokens.size() <= limits.max_entry_tokens;
    };
    auto end_entry = [&]() {
        if (!entry.tokens.empty())
            entries.push_back(std::move(entry));
        entry = {};
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (at_line_start) {
            at_line_start = false;
            if (paren_line == 0)
                entry.owner_omitted = c == ' ' || c == '\t';
        }
        if (c == '\n' || c == ' ' || c == '\t' || c == '\r') {
            if (!end_token())
                return error(line, "too many fields");
            if (c == '\n') {
                if (paren_line == 0)
                    end_entry();
                ++line;
                at_line_start = true;
            }
        } else if (c == ';') {
            if (!end_token())
                return error(line, "too many fields");
            while (i + 1 < text.size() && text[i + 1] != '\n')
                ++i;
        } else if (c == '(' || c == ')') {
            if (!end_token())
                return error(line, "too many fields");
            if (c == '(') {
                if (paren_line != 0)
                    return error(line, "nested parentheses");
                paren_line = line;
            } else {
                if (paren_line == 0)
                    return error(line, "')' without '('");
                paren_line = 0;
            }
        } else if (c == '"') {
            if (!end_token())
                return error(line, "too many fields");
            const std::size_t start_line = line;
            token.quoted = true;
            in_token = true;
            if (entry.tokens.empty())
                entry.line = line;
            for (++i;; ++i) {
                if (i >= text.size())
                    return error(start_line, "unterminated quoted string");
                if (text[i] == '"')
                    break;
                if (text[i] == '\n')
                    return error(start_line, "unterminated quoted string");
                if (text[i] == '\\' && i + 1 < text.size()) {
                    token.text.push_back(text[i++]);
                    if (text[i] == '\n')
                        ++line;
                }
                token.text.push_back(text[i]);
                if (token.text.size() > limits.max_token)
                    return error(start_line, "field too long");
            }
            if (!end_token())
                return error(line, "too many fields");
        } else {
            if (!in_token && entry.tokens.empty())
                entry.line = line;
            in_token = true;
            token.text.push_back(c);
            if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n')
                token.text.push_back(text[++i]);  // \; \( \" \space stay inside the field
            if (token.text.size() > limits.max_token)
                return error(line, "field too long");
        }
    }
    if (paren_line != 0)
        return error(paren_line, "'(' without ')'");
    if (!end_token())
        return error(line, "too many fields");
    end_entry();
    return entries;
}

}  // namespace layer7::dns
