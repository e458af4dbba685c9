// ftp:// URL parsing: see url.hpp.
#include "ftp/url.hpp"

#include "core/text/percent.hpp"

namespace layer7::ftp {

namespace {

// A path or user name: escapes decoded, and no NUL, CR or LF, escaped or not (they would end or
// split an FTP command).
std::optional<std::string> decode(std::string_view s)
{
    auto decoded = core::percent_decode(s);
    if (!decoded || decoded->find_first_of(std::string_view("\0\r\n", 3)) != std::string::npos)
        return std::nullopt;
    return std::move(decoded).value();
}

}  // namespace

std::optional<Url> parse_url(std::string_view text)
{
    constexpr std::string_view scheme = "ftp://";
    if (text.size() < scheme.size())
        return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if ((text[i] | 0x20) != scheme[i] && text[i] != scheme[i])
            return std::nullopt;
    text.remove_prefix(scheme.size());
    const auto slash = text.find('/');
    std::string_view authority = text.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view() : text.substr(slash + 1);
    Url url;
    const auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        authority.remove_prefix(at + 1);
        const auto colon = userinfo.find(':');
        auto user = decode(userinfo.substr(0, colon));
        if (!user || user->empty())
            return std::nullopt;
        url.user = *user;
        url.password.clear();
        if (colon != std::string_view::npos) {
            auto password = decode(userinfo.substr(colon + 1));
            if (!password)
                return std::nullopt;
            url.password = *password;
        }
    }
    auto hp = core::parse_host_port(authority, 21);
    if (!hp || hp->host.empty() || hp->port == 0)
        return std::nullopt;
    url.server = *hp;
    // RFC 1738 §3.2.2: ";type=i" and the like may follow the path; we always use TYPE I.
    if (const auto semi = path.rfind(";type="); semi != std::string_view::npos)
        path = path.substr(0, semi);
    auto decoded = decode(path);
    if (!decoded)
        return std::nullopt;
    url.path = *decoded;
    url.directory = url.path.empty() || url.path.back() == '/';
    while (url.path.size() > 1 && url.path.back() == '/')
        url.path.pop_back();
    if (url.path == "/")
        url.path.clear();
    return url;
}

}  // namespace layer7::ftp
