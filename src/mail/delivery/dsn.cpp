// Bounces: see dsn.hpp. Field names and order follow RFC 3464 §2.2 (per-message) and §2.3
// (per-recipient); the report is sent with MAIL FROM:<> so that it can never bounce (§3.3 of 5321).
#include "mail/delivery/dsn.hpp"

#include "mail/message/date.hpp"
#include "mail/smtp/reply_codec.hpp"

namespace layer7::mail::delivery {
namespace {

constexpr std::size_t max_diagnostic = 900;  // keeps every line under RFC 5322's 998

// One line of printable ASCII (a reply's lines joined by spaces).
std::string one_line(std::string_view text)
{
    std::string out;
    for (char c : text.substr(0, max_diagnostic)) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(c == '\n' ? ' ' : (u < 32 || u >= 127) ? '?' : c);
    }
    return out;
}

// The header section of a CRLF message (up to the blank line), ending in CRLF.
std::string header_of(std::string_view message)
{
    auto end = message.find("\r\n\r\n");
    std::string_view header = end == std::string_view::npos ? message : message.substr(0, end + 2);
    std::string out(header);
    if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0)
        out += "\r\n";
    return out;
}

}  // namespace

std::string status_of(int code, std::string_view text)
{
    const std::string_view enhanced = smtp::enhanced_code(text);
    if (!enhanced.empty() && enhanced.front() == static_cast<char>('0' + code / 100))
        return std::string(enhanced);
    return std::to_string(code / 100 == 2 ? 5 : code / 100) + ".0.0";
}

std::string build_bounce(const Bounce& b)
{
    const std::string boundary = b.unique + "/" + b.reporting_mta;
    const std::string date = mail::format_date(b.now);
    std::string m;
    m += "From: Mail Delivery System <MAILER-DAEMON@" + b.reporting_mta + ">\r\n";
    m += "To: <" + one_line(b.original_sender) + ">\r\n";
    m += "Subject: Undelivered Mail Returned to Sender\r\n";
    m += "Date: " + date + "\r\n";
    m += "Message-ID: <" + b.unique + "@" + b.reporting_mta + ">\r\n";
    m += "Auto-Submitted: auto-replied\r\n";  // RFC 3834: no auto-responder answers this
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"" + boundary + "\"\r\n";
    m += "\r\nThis is a MIME-encapsulated message.\r\n\r\n";

    m += "--" + boundary + "\r\n";
    m += "Content-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n";
    m += "This is the mail system at host " + b.reporting_mta + ".\r\n\r\n";
    m += "I'm sorry to have to inform you that your message could not\r\n";
    m += "be delivered to one or more recipients. It's attached below.\r\n\r\n";
    for (const auto& r : b.recipients) {
        m += "<" + one_line(r.address) + ">: ";
        if (!r.remote_mta.empty())
            m += "host " + one_line(r.remote_mta) + " said: ";
        m += one_line(r.diagnostic.empty() ? r.reason : r.diagnostic) + "\r\n";
    }
    m += "\r\n";

    m += "--" + boundary + "\r\n";
    m += "Content-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n";
    m += "Reporting-MTA: dns; " + b.reporting_mta + "\r\n";
    if (!b.queue_id.empty())
        m += "X-Layer7-Queue-ID: " + b.queue_id + "\r\n";
    m += "Arrival-Date: " + mail::format_date(b.arrival) + "\r\n";
    for (const auto& r : b.recipients) {
        m += "\r\nFinal-Recipient: rfc822; " + one_line(r.address) + "\r\n";
        m += "Action: failed\r\n";
        m += "Status: " + one_line(r.status) + "\r\n";
        if (!r.remote_mta.empty())
            m += "Remote-MTA: dns; " + one_line(r.remote_mta) + "\r\n";
        if (!r.diagnostic.empty())
            m += "Diagnostic-Code: smtp; " + one_line(r.diagnostic) + "\r\n";
        else if (!r.reason.empty())
            m += "Diagnostic-Code: X-layer7; " + one_line(r.reason) + "\r\n";
        m += "Last-Attempt-Date: " + date + "\r\n";
    }
    m += "\r\n";

    m += "--" + boundary + "\r\n";
    m += "Content-Description: Undelivered Message Headers\r\nContent-Type: text/rfc822-headers\r\n\r\n";
    m += header_of(b.original);
    m += "\r\n--" + boundary + "--\r\n";
    return m;
}

}  // namespace layer7::mail::delivery
