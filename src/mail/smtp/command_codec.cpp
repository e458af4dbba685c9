// SMTP command syntax: see command_codec.hpp.
#include "mail/smtp/command_codec.hpp"

#include "mail/message/header.hpp"

namespace layer7::mail::smtp {
namespace {

constexpr std::size_t max_size_digits = 19;  // fits in uint64_t

std::string_view trim(std::string_view s)
{
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

// "FROM:" / "TO:" then the path; returns the path and leaves the parameters in `rest`.
core::Result<mail::Path, CommandError> path_after(std::string_view args, std::string_view keyword,
                                                  std::string_view& rest)
{
    if (args.size() < keyword.size() || !mail::iequals(args.substr(0, keyword.size()), keyword))
        return core::fail(CommandError::syntax);
    args = trim(args.substr(keyword.size()));
    if (args.empty() || args.front() != '<')
        return core::fail(CommandError::syntax);
    auto path = mail::parse_path(args);
    if (!path)
        return core::fail(CommandError::bad_address);
    rest = args.substr(path->consumed);
    if (!rest.empty() && rest.front() != ' ')
        return core::fail(CommandError::syntax);
    rest = trim(rest);
    return std::move(*path);
}

// Calls f(keyword, value) for each "KEY[=VALUE]" separated by spaces; stops at f's first error.
template <class F>
std::optional<CommandError> for_each_param(std::string_view params, F f)
{
    while (!params.empty()) {
        const std::size_t space = params.find(' ');
        const std::string_view param = params.substr(0, space);
        params = space == std::string_view::npos ? std::string_view() : trim(params.substr(space));
        const std::size_t eq = param.find('=');
        const std::string_view key = param.substr(0, eq);
        const std::string_view value = eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
        if (auto error = f(key, value, eq != std::string_view::npos))
            return error;
    }
    return std::nullopt;
}

}  // namespace

CommandLine split_command(std::string_view line)
{
    const std::size_t space = line.find(' ');
    CommandLine out;
    out.verb = std::string(line.substr(0, space));
    for (char& c : out.verb)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    if (space != std::string_view::npos)
        out.args = trim(line.substr(space + 1));
    return out;
}

bool has_non_ascii(std::string_view text)
{
    for (char c : text)
        if (static_cast<unsigned char>(c) >= 0x80)
            return true;
    return false;
}

core::Result<MailFrom, CommandError> parse_mail_from(std::string_view args)
{
    std::string_view rest;
    auto path = path_after(args, "FROM:", rest);
    if (!path)
        return core::fail(path.error());
    MailFrom out;
    out.path = std::move(*path);
    out.has_params = !rest.empty();
    auto error = for_each_param(
        rest, [&](std::string_view key, std::string_view value, bool has_value) -> std::optional<CommandError> {
            if (mail::iequals(key, "SIZE")) {
                if (value.empty() || value.size() > max_size_digits)
                    return CommandError::bad_parameter_value;
                std::uint64_t n = 0;
                for (char c : value) {
                    if (c < '0' || c > '9')
                        return CommandError::bad_parameter_value;
                    n = n * 10 + static_cast<std::uint64_t>(c - '0');
                }
                out.size = n;
            } else if (mail::iequals(key, "BODY")) {
                if (mail::iequals(value, "8BITMIME"))
                    out.eight_bit_mime = true;
                else if (!mail::iequals(value, "7BIT"))
                    return CommandError::bad_parameter_value;
            } else if (mail::iequals(key, "SMTPUTF8")) {
                if (has_value)
                    return CommandError::bad_parameter_value;
                out.smtputf8 = true;
            } else if (!mail::iequals(key, "AUTH")) {  // AUTH=<mailbox>: accepted, not trusted (RFC 4954 §5)
                return CommandError::unknown_parameter;
            }
            return std::nullopt;
        });
    if (error)
        return core::fail(*error);
    return out;
}

core::Result<RcptTo, CommandError> parse_rcpt_to(std::string_view args)
{
    std::string_view rest;
    auto path = path_after(args, "TO:", rest);
    if (!path)
        return core::fail(path.error());
    if (path->is_null)
        return core::fail(CommandError::bad_address);
    if (!rest.empty())
        return core::fail(CommandError::unknown_parameter);
    return RcptTo{std::move(*path), false};
}

std::optional<PlainCredentials> decode_plain(std::string_view message)
{
    const std::size_t first = message.find('\0');
    if (first == std::string_view::npos)
        return std::nullopt;
    const std::size_t second = message.find('\0', first + 1);
    if (second == std::string_view::npos || message.find('\0', second + 1) != std::string_view::npos)
        return std::nullopt;
    PlainCredentials out{std::string(message.substr(0, first)),
                         std::string(message.substr(first + 1, second - first - 1)),
                         std::string(message.substr(second + 1))};
    if (out.authcid.empty() || out.password.empty())
        return std::nullopt;
    return out;
}

}  // namespace layer7::mail::smtp
