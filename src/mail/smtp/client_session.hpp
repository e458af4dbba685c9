// The pure RFC 5321 client session: replies in, commands out (the mirror of ServerSession). Used by
// the MX relay (src/mail/delivery) and by `layer7 mail send` (RFC 6409 submission).
// Extensions: EHLO → HELO fallback, STARTTLS (3207), AUTH PLAIN/LOGIN (4954, 4616), PIPELINING
// (2920: MAIL, every RCPT and DATA in one write), SIZE (1870), 8BITMIME (6152), SMTPUTF8 (6531).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mail/smtp/reply_codec.hpp"

namespace layer7::mail::smtp {

enum class TlsPolicy {
    never,          // do not ask for STARTTLS
    opportunistic,  // STARTTLS when offered (MX relay: RFC 3207 §4, no verification by default)
    required,       // STARTTLS or give up (submission with --starttls)
};

struct ClientOptions {
    std::string helo = "localhost";  // our name in EHLO/HELO
    TlsPolicy tls = TlsPolicy::opportunistic;
    std::string user, password;  // AUTH when user is set (PLAIN, else LOGIN)
};

// What to send: the envelope and the content (CRLF lines, not dot-stuffed).
struct Outgoing {
    std::string mail_from;  // "" for the null reverse-path (bounces)
    std::vector<std::string> rcpt_to;
    std::string_view body;  // not owned: the queue file's content stays where it is
    bool eight_bit_mime = false;
    bool smtputf8 = false;
};

enum class ClientNext {
    read_reply,  // write `wire` (if any), then read the next reply
    start_tls,   // write `wire`, do the TLS handshake, call on_tls_started()
    close,       // write `wire` (if any) and close: the session is over
};

struct ClientStep {
    std::string wire;
    ClientNext next = ClientNext::read_reply;
};

enum class Verdict { pending, sent, temporary, permanent };

struct RecipientResult {
    Verdict verdict = Verdict::pending;
    Reply reply;  // the reply that decided it (RCPT's, or the end of data's)
    // The connection broke before a reply decided it: `reply` is ours (lost_connection_reply(),
    // for logs and bounces), not the server's, and a user must not be shown it as the server's.
    bool connection_lost = false;
};

// Our own replies for failures no server said (RFC 3463 codes), for logs and bounces.
Reply lost_connection_reply();

class ClientSession {
public:
    // `outgoing` (and the body it points to) must outlive the session.
    ClientSession(const ClientOptions& options, const Outgoing& outgoing);

    // Start: nothing to write, wait for the 220 greeting.
    ClientStep start() const { return {}; }
    // One complete reply (multi-line replies assembled by ReplyParser).
    ClientStep on_reply(const Reply& reply);
    // After a successful handshake: EHLO again (RFC 3207 §4.2: forget what was learnt).
    ClientStep on_tls_started();
    // The connection broke (or the TLS handshake failed): every undecided recipient is temporary.
    void on_connection_lost();

    bool done() const { return state_ == State::done; }
    bool tls_active() const { return tls_; }
    const std::vector<RecipientResult>& results() const { return results_; }
    // True when every recipient was accepted by the end of data.
    bool all_sent() const;

private:
    enum class State {
        greeting,
        ehlo,
        helo,
        starttls,
        auth_plain,
        auth_login_user,
        auth_login_password,
        auth_response,
        transaction,
        data_end,
        abort_data,
        quit,
        done
    };
    enum class Pipe { mail, rcpt, data };

    ClientStep ehlo();
    ClientStep after_hello();  // STARTTLS, AUTH or the transaction
    ClientStep begin_transaction();
    ClientStep next_command();  // non-pipelined: send the next of pending_
    ClientStep transaction_reply(const Reply& reply);
    ClientStep fail_all(const Reply& reply);  // decide every pending recipient by `reply`, QUIT
    ClientStep quit();
    void decide(RecipientResult& r, const Reply& reply);
    void learn_extensions(const Reply& reply);
    std::string mail_command() const;

    const ClientOptions& options_;
    const Outgoing& outgoing_;
    State state_ = State::greeting;
    bool tls_ = false;
    // What EHLO said.
    bool ext_starttls_ = false, ext_pipelining_ = false, ext_8bitmime_ = false, ext_smtputf8_ = false;
    bool auth_plain_ = false, auth_login_ = false;
    std::optional<std::size_t> ext_size_;
    // The transaction: the replies still expected, in order (several when pipelining).
    std::vector<Pipe> expected_;
    std::size_t next_rcpt_reply_ = 0;  // which recipient the next RCPT reply is for
    std::size_t sent_ = 0;             // commands of the transaction written so far (no pipelining)
    bool mail_failed_ = false;
    std::size_t accepted_ = 0;  // recipients with 250 to RCPT
    std::vector<RecipientResult> results_;
};

// Dot-stuffs `body` (RFC 5321 §4.5.2), makes every line end in CRLF and appends ".\r\n".
std::string dot_stuff(std::string_view body);

}  // namespace layer7::mail::smtp
