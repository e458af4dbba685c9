// The plaintext dialogue before TLS: see starttls.hpp.
#include "connect/starttls.hpp"

namespace layer7::connect {

namespace {

using Next = StartTlsStep::Next;

StartTlsStep failed(std::string_view line)
{
    StartTlsStep s;
    s.next = Next::failed;
    s.error = std::string(line);
    return s;
}

StartTlsStep say(std::string line)
{
    StartTlsStep s;
    s.send.push_back(std::move(line));
    return s;
}

StartTlsStep start_tls()
{
    StartTlsStep s;
    s.next = Next::start_tls;
    return s;
}

// A reply line "NNN text" or "NNN-text" (RFC 5321 §4.2.1, RFC 959 §4.2): its code, and whether it
// is the last line of the reply.
struct ReplyLine {
    int code = 0;
    bool last = true;
};
std::optional<ReplyLine> reply_line(std::string_view line)
{
    if (line.size() < 3)
        return std::nullopt;
    ReplyLine r;
    for (int i = 0; i < 3; ++i) {
        if (line[i] < '0' || line[i] > '9')
            return std::nullopt;
        r.code = r.code * 10 + (line[i] - '0');
    }
    if (line.size() > 3 && line[3] != ' ' && line[3] != '-')
        return std::nullopt;
    r.last = line.size() == 3 || line[3] == ' ';
    return r;
}

}  // namespace

std::optional<StartTlsProtocol> parse_starttls_protocol(std::string_view name)
{
    if (name == "smtp")
        return StartTlsProtocol::smtp;
    if (name == "pop3")
        return StartTlsProtocol::pop3;
    if (name == "imap")
        return StartTlsProtocol::imap;
    if (name == "ftp")
        return StartTlsProtocol::ftp;
    return std::nullopt;
}

StartTlsStep StartTlsDialogue::on_line(std::string_view line)
{
    switch (protocol_) {
    case StartTlsProtocol::smtp:
    case StartTlsProtocol::ftp: return smtp_or_ftp(line);
    case StartTlsProtocol::pop3: return pop3(line);
    case StartTlsProtocol::imap: return imap(line);
    }
    return failed(line);
}

// SMTP: 220 greeting → EHLO → 250 → STARTTLS → 220. FTP: 220 greeting → AUTH TLS → 234.
StartTlsStep StartTlsDialogue::smtp_or_ftp(std::string_view line)
{
    if (continuing_) {  // RFC 959 §4.2: the lines between "NNN-" and "NNN " may be anything
        const auto end = reply_line(line);
        if (!end || end->code != continuing_ || !end->last)
            return {};
        continuing_ = 0;
    }
    const auto reply = reply_line(line);
    if (!reply)
        return failed(line);
    if (!reply->last) {
        continuing_ = reply->code;
        return {};
    }
    const bool smtp = protocol_ == StartTlsProtocol::smtp;
    switch (phase_) {
    case Phase::greeting:
        if (reply->code != 220)
            return failed(line);
        phase_ = smtp ? Phase::hello : Phase::upgrade;
        return say(smtp ? "EHLO " + hello_name_ : "AUTH TLS");
    case Phase::hello:
        if (reply->code != 250)
            return failed(line);
        phase_ = Phase::upgrade;
        return say("STARTTLS");
    case Phase::upgrade: return reply->code == (smtp ? 220 : 234) ? start_tls() : failed(line);
    }
    return failed(line);
}

// POP3: +OK greeting → STLS → +OK.
StartTlsStep StartTlsDialogue::pop3(std::string_view line)
{
    if (!line.starts_with("+OK"))
        return failed(line);
    if (phase_ == Phase::greeting) {
        phase_ = Phase::upgrade;
        return say("STLS");
    }
    return start_tls();
}

// IMAP: "* OK" greeting → "a STARTTLS" → untagged lines, then "a OK".
StartTlsStep StartTlsDialogue::imap(std::string_view line)
{
    if (phase_ == Phase::greeting) {
        if (!line.starts_with("* OK"))
            return failed(line);
        phase_ = Phase::upgrade;
        return say("a STARTTLS");
    }
    if (line.starts_with("* "))
        return {};  // untagged data (a CAPABILITY the server volunteers)
    return line.starts_with("a OK") ? start_tls() : failed(line);
}

}  // namespace layer7::connect
