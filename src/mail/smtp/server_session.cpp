// ServerSession: the RFC 5321 server state machine. See server_session.hpp.
//
// Theory of operation. Phases: need_hello → (EHLO/HELO) ready → (MAIL) in_transaction → (RCPT…,
// DATA: Step.begin_message) in_data → ("." → MessageEnd::commit, the shell makes the message
// durable and calls on_queued) ready. In in_data the message goes out in Step.content as it grows
// past Policy::chunk_bytes; the first reason to refuse it (too big, a line too long, a bare LF)
// sends MessageEnd::abort at once, and the refusal is answered at the ".". AUTH may
// park the session in in_auth while it exchanges 334 challenges; STARTTLS returns Next::start_tls
// and on_tls_started() drops back to need_hello (RFC 3207 §4.2). Every command goes through one
// table (verb → handler → phases allowed); a verb outside its phases is 503 5.5.1. Every 4xx/5xx
// reply to a command counts; at max_errors the session answers 421 and asks the shell to close.
// The session reads no clock: the Received: date comes from Policy::now.
#include "mail/smtp/server_session.hpp"

#include <utility>

#include "core/bytes/base64.hpp"
#include "mail/message/date.hpp"
#include "mail/message/header.hpp"
#include "mail/message/limits.hpp"
#include "mail/message/received.hpp"
#include "mail/smtp/command_codec.hpp"

namespace layer7::mail::smtp {
namespace {

constexpr std::size_t max_echo = 64;  // client text we repeat in a reply

// Client-chosen text in a reply: printable, short, one line.
std::string echo(std::string_view text)
{
    std::string out;
    for (char c : text.substr(0, max_echo))
        out.push_back(static_cast<unsigned char>(c) < 32 || c == 127 ? '?' : c);
    return out;
}

constexpr unsigned bit(int phase)
{
    return 1u << phase;
}

}  // namespace

ServerSession::ServerSession(const Policy& policy, Client client) : policy_(policy), client_(std::move(client)) {}

Reply ServerSession::greeting() const
{
    return {220, policy_.hostname + " ESMTP"};  // RFC 2034: no enhanced code in the greeting
}

Step ServerSession::reply(int code, std::string text)
{
    Step step;
    step.replies.push_back({code, std::move(text)});
    return step;
}

Step ServerSession::error(int code, std::string text)
{
    if (++errors_ >= policy_.max_errors) {
        phase_ = Phase::closed;
        Step step = reply(421, "4.7.0 " + policy_.hostname + " Error: too many errors");
        step.next = Next::close;
        return step;
    }
    return reply(code, std::move(text));
}

void ServerSession::reset_transaction()
{
    envelope_ = {};
    data_bytes_ = 0;
    content_.clear();
    content_.shrink_to_fit();  // a connection between messages keeps no chunk buffer
    received_.clear();
    holding_header_ = false;
    data_refused_ = data_too_big_ = data_line_too_long_ = data_bare_lf_ = previous_bare_lf_ = false;
    if (phase_ == Phase::in_transaction || phase_ == Phase::in_data)
        phase_ = Phase::ready;
}

bool ServerSession::auth_allowed() const
{
    return policy_.check_credentials && (tls_ || client_.loopback);
}

Step ServerSession::on_line(std::string_view line, core::LineEnd end)
{
    switch (phase_) {
    case Phase::closed: {
        Step step;
        step.next = Next::close;
        return step;
    }
    case Phase::in_data: return data_line(line, end);
    case Phase::in_auth: return auth_response(line);
    default: return command(line);
    }
}

Step ServerSession::on_line_too_long()
{
    switch (phase_) {
    case Phase::closed: {
        Step step;
        step.next = Next::close;
        return step;
    }
    case Phase::in_data:  // answered at the final "." (RFC 5321 §4.5.3.1.6: 1000 octets a line)
        data_line_too_long_ = true;
        return refuse_data();
    case Phase::in_auth: phase_ = Phase::ready; return error(500, "5.5.6 Authentication exchange line is too long");
    default: return error(500, "5.5.6 Error: line too long");
    }
}

Step ServerSession::command(std::string_view line)
{
    constexpr int hello = static_cast<int>(Phase::need_hello);
    constexpr int ready = static_cast<int>(Phase::ready);
    constexpr int mail = static_cast<int>(Phase::in_transaction);
    constexpr unsigned any = bit(hello) | bit(ready) | bit(mail);
    struct Command {
        std::string_view verb;
        Step (ServerSession::*handler)(std::string_view);
        unsigned phases;
    };
    static constexpr Command table[] = {
        {"EHLO", &ServerSession::ehlo, any},        {"HELO", &ServerSession::helo, any},
        {"MAIL", &ServerSession::mail, bit(ready)}, {"RCPT", &ServerSession::rcpt, bit(mail)},
        {"DATA", &ServerSession::data, bit(mail)},  {"RSET", &ServerSession::rset, any},
        {"NOOP", &ServerSession::noop, any},        {"QUIT", &ServerSession::quit, any},
        {"VRFY", &ServerSession::vrfy, any},        {"EXPN", &ServerSession::expn, any},
        {"HELP", &ServerSession::help, any},        {"STARTTLS", &ServerSession::starttls, bit(hello) | bit(ready)},
        {"AUTH", &ServerSession::auth, bit(ready)},
    };
    const CommandLine cmd = split_command(line);
    for (const Command& entry : table) {
        if (entry.verb != cmd.verb)
            continue;
        if (entry.phases & bit(static_cast<int>(phase_)))
            return (this->*entry.handler)(cmd.args);
        if (phase_ == Phase::need_hello)
            return error(503, "5.5.1 Error: send HELO/EHLO first");
        if (phase_ == Phase::in_transaction)
            return error(503, "5.5.1 Error: MAIL transaction in progress");
        return error(503, "5.5.1 Error: need MAIL command");
    }
    return error(500, "5.5.2 Error: command not recognized");
}

Step ServerSession::hello(std::string_view args, bool extended)
{
    const std::string_view name = args.substr(0, args.find(' '));
    if (name.empty())
        return error(501, std::string("5.5.4 Syntax: ") + (extended ? "EHLO" : "HELO") + " hostname");
    reset_transaction();
    phase_ = Phase::ready;
    extended_ = extended;
    helo_ = echo(name);
    if (!extended)  // the textbook's reply, after the domain RFC 5321 §4.1.1.1 puts first
        return reply(250, policy_.hostname + " Hello " + helo_ + ", pleased to meet you");
    std::string text = policy_.hostname + " Hello " + helo_;
    text += "\nSIZE " + std::to_string(policy_.max_message_bytes);
    text += "\n8BITMIME\nPIPELINING\nENHANCEDSTATUSCODES\nSMTPUTF8";
    if (policy_.tls_available && !tls_)
        text += "\nSTARTTLS";
    if (auth_allowed())
        text += "\nAUTH PLAIN LOGIN";
    text += "\nHELP";
    return reply(250, std::move(text));
}

Step ServerSession::ehlo(std::string_view args)
{
    return hello(args, true);
}

Step ServerSession::helo(std::string_view args)
{
    return hello(args, false);
}

Step ServerSession::mail(std::string_view args)
{
    if (policy_.submission && auth_user_.empty())
        return error(530, "5.7.0 Authentication required");
    auto cmd = parse_mail_from(args);
    if (!cmd) {
        switch (cmd.error()) {
        case CommandError::bad_address: return error(501, "5.1.7 Bad sender address syntax");
        case CommandError::unknown_parameter: return error(555, "5.5.4 Unsupported option");
        default: return error(501, "5.5.4 Syntax: MAIL FROM:<address>");
        }
    }
    if (cmd->has_params && !extended_)
        return error(555, "5.5.4 Parameters need EHLO");
    const std::string address = cmd->path.is_null ? std::string() : cmd->path.mailbox.address();
    if (has_non_ascii(address) && !cmd->smtputf8)
        return error(553, "5.6.7 Must declare SMTPUTF8 to send UTF8 address");
    if (cmd->size && *cmd->size > policy_.max_message_bytes)
        return error(552, "5.3.4 Message size exceeds fixed maximum message size");
    reset_transaction();
    phase_ = Phase::in_transaction;
    envelope_.mail_from = address;
    envelope_.eight_bit_mime = cmd->eight_bit_mime;
    envelope_.smtputf8 = cmd->smtputf8;
    return reply(250, "2.1.0 " + echo(address.empty() ? "<>" : address) + " ... Sender ok");
}

Step ServerSession::rcpt(std::string_view args)
{
    auto cmd = parse_rcpt_to(args);
    if (!cmd) {
        if (cmd.error() == CommandError::bad_address)
            return error(501, "5.1.3 Bad recipient address syntax");
        if (cmd.error() == CommandError::unknown_parameter)
            return error(555, "5.5.4 Unsupported option");
        return error(501, "5.5.4 Syntax: RCPT TO:<address>");
    }
    const mail::Mailbox& box = cmd->path.mailbox;
    const std::string address = box.address();
    if (has_non_ascii(address) && !envelope_.smtputf8)
        return error(553, "5.6.7 Must declare SMTPUTF8 to send UTF8 address");
    if (envelope_.rcpt_to.size() >= policy_.max_recipients)  // §4.5.3.1.10: 452, not an error
        return reply(452, "4.5.3 Error: too many recipients");
    const bool local = box.domain.empty() || !policy_.is_local || policy_.is_local(box.domain);
    if (!local && auth_user_.empty() && !policy_.client_trusted)
        return error(554, "5.7.1 " + echo(address) + ": Relay access denied");
    if (local && !box.domain.empty() && policy_.accepts_recipient && !policy_.accepts_recipient(address))
        return error(550, "5.1.1 " + echo(address) + ": Recipient address rejected: User unknown");
    envelope_.rcpt_to.push_back(address);
    return reply(250, "2.1.5 " + echo(address) + " ... Recipient ok");
}

Step ServerSession::data(std::string_view args)
{
    if (!args.empty())
        return error(501, "5.5.4 Syntax: DATA");
    if (envelope_.rcpt_to.empty())  // RFC 5321 §3.3: 503 or 554 when no recipient was accepted
        return error(554, "5.5.1 Error: no valid recipients");
    phase_ = Phase::in_data;
    mail::TraceInfo trace;
    trace.helo = helo_;
    trace.client_host = client_.host;
    trace.client_address = client_.address;
    trace.by = policy_.hostname;
    trace.with = mail::with_protocol(extended_, tls_, !auth_user_.empty(), envelope_.smtputf8);
    if (envelope_.rcpt_to.size() == 1)
        trace.for_recipient = envelope_.rcpt_to.front();
    if (policy_.now)
        trace.time = policy_.now();
    data_time_ = trace.time;
    envelope_.helo = helo_;
    envelope_.auth_user = auth_user_;
    envelope_.client_address = client_.address;
    envelope_.client_host = client_.host;
    envelope_.protocol = trace.with;
    envelope_.tls = tls_;
    // A submission's header is held until it is complete, to add what it lacks (RFC 6409 §8).
    holding_header_ = policy_.submission;
    (holding_header_ ? received_ : content_) = mail::build_received(trace);
    Step step = reply(354, "Enter mail, end with \".\" on a line by itself");
    step.begin_message = envelope_;
    return step;
}

Step ServerSession::data_line(std::string_view line, core::LineEnd end)
{
    const core::DotLine dot = core::unstuff_dot(line);
    // Only CRLF "." CRLF ends the data (RFC 5321 §4.1.1.4): a "." line ended by, or following, a bare
    // LF is content — else "<LF>.<LF>MAIL FROM:…" would smuggle a second message past a relay.
    const bool after_bare_lf = std::exchange(previous_bare_lf_, end == core::LineEnd::bare_lf);
    if (dot.end && end == core::LineEnd::crlf && !after_bare_lf)
        return end_of_data();
    data_bytes_ += dot.text.size() + 2;
    if (end == core::LineEnd::bare_lf)  // and the whole message is refused at its end
        data_bare_lf_ = true;
    if (data_bytes_ > policy_.max_message_bytes)
        data_too_big_ = true;                             // keep reading to ".", keep nothing more
    if (data_refused_ || data_bare_lf_ || data_too_big_)  // refused (a line too long, too): keep nothing more
        return refuse_data();
    content_.append(dot.text);
    content_ += "\r\n";
    // Held up to what parse_header() takes: a bigger header would not be repaired anyway.
    if (holding_header_ && (dot.text.empty() || content_.size() > mail::MessageLimits{}.max_header_bytes))
        release_header(dot.text.empty());
    Step step;
    if (!holding_header_ && content_.size() >= policy_.chunk_bytes)
        step.content = std::exchange(content_, {});
    return step;
}

Step ServerSession::refuse_data()
{
    Step step;
    if (!std::exchange(data_refused_, true)) {
        content_.clear();
        content_.shrink_to_fit();
        step.end = MessageEnd::abort;
    }
    return step;
}

// The held header goes on, the Received: field first. Complete (its blank line came, or the whole
// message did), it gets the fields a submission lacks; one too big to parse goes as it was written.
void ServerSession::release_header(bool complete)
{
    if (complete)
        add_missing_origin_fields(content_, data_time_);
    content_.insert(0, received_);
    received_.clear();
    holding_header_ = false;
}

// RFC 6409 §8.3, §8.4: a submission server completes a message whose user agent left out Date or
// Message-ID (the fields every RFC 5322 message needs), at the end of the header section.
void ServerSession::add_missing_origin_fields(std::string& message, std::chrono::sys_seconds time) const
{
    auto parsed = mail::parse_header(message);
    if (!parsed)
        return;  // not ours to repair: the message goes on as the client wrote it
    std::size_t end = 0;
    for (const auto& field : parsed->header.fields)
        end += field.raw.size();
    std::string added;
    if (!parsed->header.find("Date"))
        added += "Date: " + mail::format_date(time) + "\r\n";
    if (!parsed->header.find("Message-ID") && policy_.unique_token)
        added += "Message-ID: <" + policy_.unique_token() + "@" + policy_.hostname + ">\r\n";
    if (parsed->header.fields.empty() && !message.starts_with("\r\n"))
        added += "\r\n";  // no header at all: what follows is the body
    message.insert(end, added);
}

Step ServerSession::end_of_data()
{
    const bool bare_lf = data_bare_lf_, too_long = data_line_too_long_, too_big = data_too_big_;
    if (bare_lf || too_long || too_big) {
        Step refused = refuse_data();  // the abort again only if none was sent
        reset_transaction();
        Step step = bare_lf    ? error(550, "5.6.11 Error: bare <LF> received")
                    : too_long ? error(552, "5.3.4 Error: message line too long")
                               : error(552, "5.3.4 Error: message file too big");
        step.end = refused.end;
        return step;
    }
    if (holding_header_)
        release_header(true);
    Step step;
    step.content = std::exchange(content_, {});
    step.end = MessageEnd::commit;
    reset_transaction();
    return step;
}

Step ServerSession::on_queued(std::error_code stored, std::string_view queue_id)
{
    if (stored)
        return reply(451, "4.3.0 Error: queue file write error");
    return reply(250, "2.0.0 Ok: queued as " + echo(queue_id));
}

Step ServerSession::rset(std::string_view args)
{
    if (!args.empty())
        return error(501, "5.5.4 Syntax: RSET");
    reset_transaction();
    return reply(250, "2.0.0 Ok");
}

Step ServerSession::noop(std::string_view)
{
    return reply(250, "2.0.0 Ok");
}

Step ServerSession::quit(std::string_view)
{
    phase_ = Phase::closed;
    Step step = reply(221, "2.0.0 " + policy_.hostname + " closing connection");
    step.next = Next::close;
    return step;
}

Step ServerSession::vrfy(std::string_view args)
{
    if (args.empty())
        return error(501, "5.5.4 Syntax: VRFY address");
    return reply(252, "2.5.0 Cannot VRFY user, but will accept message and attempt delivery");  // §7.3
}

Step ServerSession::expn(std::string_view)
{
    return error(502, "5.5.1 Error: command not implemented");  // §7.3: lists are not disclosed
}

Step ServerSession::help(std::string_view)
{
    return reply(214, "2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS AUTH");
}

Step ServerSession::starttls(std::string_view args)
{
    if (!args.empty())
        return error(501, "5.5.4 Syntax: STARTTLS");
    if (tls_)
        return error(503, "5.5.1 Error: TLS already active");
    if (!policy_.tls_available)
        return error(502, "5.5.1 Error: command not implemented");
    Step step = reply(220, "2.0.0 Ready to start TLS");
    step.next = Next::start_tls;
    return step;
}

Step ServerSession::auth(std::string_view args)
{
    if (!policy_.check_credentials)
        return error(503, "5.5.1 Error: authentication not enabled");
    if (!auth_allowed())  // RFC 4954 §4: no plaintext passwords over the open network
        return error(538, "5.7.11 Encryption required for requested authentication mechanism");
    if (!auth_user_.empty())
        return error(503, "5.5.1 Error: already authenticated");
    const CommandLine mech = split_command(args);
    if (mech.verb != "PLAIN" && mech.verb != "LOGIN")
        return error(504, "5.5.4 Unrecognized authentication type");
    const std::string_view initial = mech.args;
    if (mech.verb == "PLAIN") {
        sasl_ = Sasl::plain;
        if (initial.empty()) {
            phase_ = Phase::in_auth;
            return reply(334, "");
        }
        phase_ = Phase::in_auth;
        return auth_response(initial == "=" ? std::string_view() : initial);
    }
    phase_ = Phase::in_auth;
    if (initial.empty()) {
        sasl_ = Sasl::login_user;
        return reply(334, "VXNlcm5hbWU6");  // "Username:"
    }
    sasl_ = Sasl::login_user;
    return auth_response(initial);
}

Step ServerSession::auth_response(std::string_view line)
{
    phase_ = Phase::ready;
    if (line == "*")
        return error(501, "5.0.0 Authentication aborted");  // RFC 4954 §4
    const auto bytes = core::base64_decode(line);
    if (!bytes)
        return error(501, "5.5.2 Cannot decode response");
    const std::optional<std::string> decoded(std::in_place, bytes->begin(), bytes->end());
    switch (sasl_) {
    case Sasl::plain: {
        const auto credentials = decode_plain(*decoded);
        if (!credentials || (!credentials->authzid.empty() && credentials->authzid != credentials->authcid))
            return verify({}, {});
        return verify(credentials->authcid, credentials->password);
    }
    case Sasl::login_user:
        sasl_user_ = std::move(*decoded);
        sasl_ = Sasl::login_password;
        phase_ = Phase::in_auth;
        return reply(334, "UGFzc3dvcmQ6");  // "Password:"
    case Sasl::login_password: break;
    }
    const std::string user = std::move(sasl_user_);
    sasl_user_.clear();
    return verify(user, *decoded);
}

Step ServerSession::verify(std::string_view user, std::string_view password)
{
    if (!user.empty() && !password.empty() && policy_.check_credentials(user, password)) {
        auth_user_ = std::string(user);
        return reply(235, "2.7.0 Authentication successful");
    }
    Step step = error(535, "5.7.8 Authentication credentials invalid");
    if (++auth_failures_ >= policy_.auth_failures_before_delay)
        step.delay = policy_.auth_failure_delay;  // slows password guessing (Postfix: smtpd_error_sleep_time)
    return step;
}

void ServerSession::on_tls_started()
{
    reset_transaction();
    tls_ = true;
    phase_ = Phase::need_hello;
    helo_.clear();
    extended_ = false;
    auth_user_.clear();
}

}  // namespace layer7::mail::smtp
