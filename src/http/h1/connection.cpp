// Persistence, Expect and Upgrade decisions (RFC 9112 §9.3, RFC 9110 §7.6.1, §7.8, §10.1.1).
#include "http/h1/connection.hpp"

#include "http/message/token.hpp"

namespace layer7::http::h1 {

bool keep_alive(const Version& version, const Fields& fields)
{
    if (fields.list_contains("Connection", "close"))
        return false;
    if (version.major == 1 && version.minor == 0)
        return fields.list_contains("Connection", "keep-alive");
    return true;
}

Expectation expectation(const Request& request)
{
    if (!request.fields.contains("Expect"))
        return Expectation::none;
    std::string value = request.fields.combined("Expect");
    if (!iequals(trim_ows(value), "100-continue"))
        return Expectation::unsupported;
    if (request.version.major == 1 && request.version.minor == 0)
        return Expectation::none;
    return Expectation::continue_;
}

bool wants_upgrade(const Request& request, std::string_view protocol)
{
    if (!request.fields.list_contains("Connection", "upgrade"))
        return false;
    for (Field f : request.fields) {
        if (!iequals(f.name, "Upgrade"))
            continue;
        ListReader list(f.value);
        std::string_view p;
        while (list.next(p))
            if (iequals(p.substr(0, p.find('/')), protocol))
                return true;
    }
    return false;
}

}  // namespace layer7::http::h1
