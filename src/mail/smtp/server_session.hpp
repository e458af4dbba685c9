// The pure RFC 5321 server session: lines in, replies and one requested action out (EXAMPLES.md A).
// DATA is streamed: the session hands the message to its shell in chunks as it arrives (STYLE.md
// 8b), so a connection holds at most about Policy::chunk_bytes of it (a submission's header: up to
// mail::MessageLimits::max_header_bytes), whatever the message's size.
// Extensions: SIZE (1870), 8BITMIME (6152), PIPELINING (2920), ENHANCEDSTATUSCODES (2034, 3463),
// SMTPUTF8 (6531), STARTTLS (3207), AUTH PLAIN/LOGIN (4954, 4616).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/text/line_parser.hpp"
#include "mail/queue/envelope.hpp"
#include "mail/smtp/reply_codec.hpp"

namespace layer7::mail::smtp {

using mail::Envelope;

enum class Next { read_line, start_tls, close };  // what the shell does after writing

// What becomes of the message the shell is writing, after this step's content.
enum class MessageEnd {
    none,
    commit,  // "." ended it: make it durable, then on_queued() (the 250 comes only after the fsync)
    abort,   // refused (too big, a line too long, a bare LF): drop what was written
};

struct Step {
    std::vector<Reply> replies;             // write all, one flush (PIPELINING, RFC 2920)
    std::optional<Envelope> begin_message;  // DATA accepted: a message for this envelope starts
    std::string content;                    // more of it: CRLF lines, dot-unstuffed, Received: first
    MessageEnd end = MessageEnd::none;
    Next next = Next::read_line;
    std::chrono::milliseconds delay{0};  // wait this long before writing (auth failures)
};

struct Policy {  // built from the [smtp] config section
    std::string hostname = "localhost";
    std::size_t max_message_bytes = 32u << 20;  // advertised as SIZE (RFC 1870)
    std::size_t chunk_bytes = 64u << 10;        // DATA is handed on in pieces of about this size
    std::size_t max_recipients = 100;           // RFC 5321 §4.5.3.1.8 minimum
    std::size_t max_errors = 10;                // then 421 and close (Postfix smtpd_hard_error_limit)
    std::size_t auth_failures_before_delay = 3;
    std::chrono::milliseconds auth_failure_delay{5000};
    bool tls_available = false;                             // a certificate is configured: advertise STARTTLS
    bool submission = false;                                // port 587 (RFC 6409): MAIL needs AUTH
    bool client_trusted = false;                            // may relay without AUTH (like Postfix mynetworks)
    std::function<bool(std::string_view domain)> is_local;  // unset: every domain is ours
    std::function<bool(std::string_view address)> accepts_recipient;  // local user exists; unset: yes
    std::function<bool(std::string_view user, std::string_view password)> check_credentials;  // unset: no AUTH
    std::function<std::chrono::sys_seconds()> now;  // for Received:; unset: the epoch (tests)
    std::function<std::string()> unique_token;      // left part of a Message-ID submission adds; unset: none
};

struct Client {
    std::string address = "127.0.0.1";  // peer IP, as text
    std::string host;                   // reverse-DNS name, "" when unknown
    bool loopback = false;              // AUTH is allowed without TLS on loopback
};

class ServerSession {
public:
    explicit ServerSession(const Policy& policy, Client client = {});
    Reply greeting() const;                                                        // 220 <hostname> ESMTP
    Step on_line(std::string_view line, core::LineEnd end = core::LineEnd::crlf);  // CRLF stripped
    Step on_line_too_long();                                            // 500 5.5.6 (in DATA: 552 at the end)
    Step on_queued(std::error_code stored, std::string_view queue_id);  // 250 or 451
    void on_tls_started();                                              // RFC 3207 §4.2: forget EHLO + envelope
    bool closed() const { return phase_ == Phase::closed; }
    // Not inside DATA or an AUTH exchange: a stopping server may close here (with 421).
    bool between_commands() const { return phase_ != Phase::in_data && phase_ != Phase::in_auth; }

private:
    enum class Phase { need_hello, ready, in_transaction, in_data, in_auth, closed };
    enum class Sasl { plain, login_user, login_password };

    Step command(std::string_view line);                       // table lookup
    Step data_line(std::string_view line, core::LineEnd end);  // un-dot-stuff; "." ends DATA
    Step end_of_data();
    Step refuse_data();  // the first reason to refuse the message: drop what the shell wrote
    void release_header(bool complete);
    void add_missing_origin_fields(std::string& message, std::chrono::sys_seconds time) const;
    Step auth_response(std::string_view line);

    Step ehlo(std::string_view args);
    Step helo(std::string_view args);
    Step mail(std::string_view args);
    Step rcpt(std::string_view args);
    Step data(std::string_view args);
    Step rset(std::string_view args);
    Step noop(std::string_view args);
    Step quit(std::string_view args);
    Step vrfy(std::string_view args);
    Step expn(std::string_view args);
    Step help(std::string_view args);
    Step starttls(std::string_view args);
    Step auth(std::string_view args);

    Step reply(int code, std::string text);
    Step error(int code, std::string text);  // counts towards max_errors
    Step verify(std::string_view user, std::string_view password);
    Step hello(std::string_view args, bool extended);
    bool auth_allowed() const;
    void reset_transaction();

    const Policy& policy_;
    Client client_;
    Phase phase_ = Phase::need_hello;
    Envelope envelope_;
    std::string helo_;
    bool extended_ = false;  // EHLO, not HELO
    bool tls_ = false;
    std::string auth_user_;
    std::size_t errors_ = 0;
    std::size_t auth_failures_ = 0;
    Sasl sasl_ = Sasl::plain;
    std::string sasl_user_;
    std::size_t data_bytes_ = 0;
    std::string content_;          // DATA not yet handed to the shell
    std::string received_;         // the Received: field, while the header is held
    bool holding_header_ = false;  // submission: the header is held until complete, then repaired
    std::chrono::sys_seconds data_time_{};
    bool data_refused_ = false;  // the shell was told to abort; nothing more is collected
    bool data_too_big_ = false;
    bool data_line_too_long_ = false;
    bool data_bare_lf_ = false;
    bool previous_bare_lf_ = false;  // the last DATA line ended in a bare LF
};

}  // namespace layer7::mail::smtp
