// Received: trace field: see received.hpp.
#include "mail/message/received.hpp"

#include "mail/message/date.hpp"

namespace layer7::mail {
namespace {

constexpr std::size_t max_echo = 255;  // longest client-chosen text we copy into the field

// Client-chosen text cannot end the comment, fold the field or inject a header.
std::string sanitise(std::string_view text)
{
    std::string out;
    for (char c : text.substr(0, max_echo)) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(b <= 32 || b == 127 || c == '(' || c == ')' || c == '\\' ? '_' : c);
    }
    return out.empty() ? "unknown" : out;
}

}  // namespace

std::string with_protocol(bool extended, bool tls, bool authenticated, bool smtputf8)
{
    if (!extended)
        return "SMTP";
    std::string with = smtputf8 ? "UTF8SMTP" : "ESMTP";
    if (tls)
        with += 'S';
    if (authenticated)
        with += 'A';
    return with;
}

std::string build_received(const TraceInfo& trace)
{
    std::string out = "Received: from " + sanitise(trace.helo) + " (";
    if (!trace.client_host.empty())
        out += sanitise(trace.client_host) + " ";
    const std::string address = sanitise(trace.client_address);
    out += address.find(':') != std::string::npos ? "[IPv6:" + address + "])" : "[" + address + "])";
    out += "\r\n\tby " + sanitise(trace.by) + " with " + sanitise(trace.with);
    if (!trace.id.empty())
        out += " id " + sanitise(trace.id);
    if (!trace.for_recipient.empty())
        out += "\r\n\tfor <" + sanitise(trace.for_recipient) + ">";
    out += ";\r\n\t" + format_date(trace.time, trace.utc_offset_minutes) + "\r\n";
    return out;
}

}  // namespace layer7::mail
