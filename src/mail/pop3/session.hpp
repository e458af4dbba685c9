// The pure POP3 server session: RFC 1939 (USER/PASS, STAT, LIST, RETR, DELE, NOOP, RSET, QUIT, TOP,
// UIDL), RFC 2449 (CAPA, response codes) and RFC 2595 (STLS). Lines in; a Step out: bytes to write
// plus one requested action (open the maildrop, read a message, commit at QUIT, start TLS, close)
// whose result the shell feeds back with on_<result>().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace layer7::mail::pop3 {

enum class State { authorization, transaction, update, closed };  // RFC 1939 §3

enum class Action {
    read_line,     // write `wire`, then read the next command
    open_mailbox,  // lock and list the maildrop of `user` → on_mailbox()
    read_message,  // read message `message` (0-based) → on_message()
    commit,        // UPDATE state: delete `deletions`, mark `retrieved` seen → on_committed()
    start_tls,     // write `wire`, discard pipelined input, handshake → on_tls_started()
    close,         // write `wire`, then close
};

struct Step {
    std::string wire;  // CRLF lines to write, multi-line responses already dot-stuffed
    Action action = Action::read_line;
    std::string user;                    // open_mailbox: the login, password already checked
    std::size_t message = 0;             // read_message
    std::vector<std::size_t> deletions;  // commit: ascending, 0-based
    std::vector<std::size_t> retrieved;  // commit: RETR'd and kept (Maildir flag S)
    std::chrono::milliseconds delay{0};  // wait this long before writing (auth failures)
};

struct MessageInfo {
    std::uint64_t size = 0;  // octets as sent: CRLF line ends, before dot-stuffing
    std::string uid;         // UIDL: 1..70 chars 0x21..0x7E, stable across sessions
};

enum class OpenResult { ok, in_use, failed };

struct Policy {  // built from the [pop3] config section
    std::string greeting = "POP3 server ready";
    std::string implementation = "layer7";
    bool tls_available = false;         // a certificate is configured: offer STLS
    bool plaintext_auth = false;        // USER/PASS without TLS from non-loopback peers (RFC 2595 §2.4)
    std::size_t max_auth_failures = 3;  // then -ERR [AUTH] and close
    std::chrono::milliseconds auth_failure_delay{1000};  // doubled after each failure: 1 s, 2 s, 4 s
    std::size_t max_errors = 20;                         // bad or out-of-state commands, then close
    std::function<bool(std::string_view user, std::string_view password)> check_credentials;  // unset: none
};

struct Client {
    bool loopback = false;  // USER/PASS allowed without TLS
    bool tls = false;       // implicit TLS (pop3s) from the first byte
};

class Session {
public:
    explicit Session(const Policy& policy, Client client = {});
    std::string greeting() const;                                           // "+OK POP3 server ready"
    Step on_line(std::string_view line);                                    // one command line, CRLF stripped
    Step on_line_too_long();                                                // -ERR, counted as an error
    Step on_mailbox(OpenResult result, std::vector<MessageInfo> messages);  // after open_mailbox
    Step on_message(std::optional<std::string_view> content);               // after read_message; nullopt = unreadable
    Step on_committed(std::error_code ec);                                  // after commit: +OK or -ERR, then close
    void on_tls_started();  // RFC 2595 §4: stay in AUTHORIZATION, forget USER
    State state() const { return state_; }

private:
    struct Command;
    static const Command* find(std::string_view verb);

    Step user(std::string_view args);
    Step pass(std::string_view args);
    Step quit(std::string_view args);
    Step capa(std::string_view args);
    Step stls(std::string_view args);
    Step stat(std::string_view args);
    Step list(std::string_view args);
    Step retr(std::string_view args);
    Step dele(std::string_view args);
    Step noop(std::string_view args);
    Step rset(std::string_view args);
    Step top(std::string_view args);
    Step uidl(std::string_view args);

    Step reply(std::string wire);
    Step error(std::string_view text);  // counts towards max_errors
    // The message a "msg" argument names, or the -ERR step explaining why not.
    std::optional<std::size_t> message_number(std::string_view arg, Step& failure);
    bool auth_allowed() const { return policy_.plaintext_auth || tls_ || client_.loopback; }
    // A line now is the shell's mistake or comes after the end: nothing is said, the shell closes.
    bool takes_lines() const { return state_ != State::closed && state_ != State::update && pending_ == Pending::none; }
    static Step silent_close();  // what a line gets when takes_lines() is false
    std::size_t live_count() const;
    std::uint64_t live_size() const;

    const Policy& policy_;
    Client client_;
    State state_ = State::authorization;
    bool tls_ = false;
    std::optional<std::string> pending_user_;  // after USER, until PASS
    std::size_t auth_failures_ = 0;
    std::size_t errors_ = 0;
    std::vector<MessageInfo> messages_;
    std::vector<bool> deleted_;
    std::vector<bool> retrieved_;
    enum class Pending { none, retr, top } pending_ = Pending::none;
    std::size_t pending_message_ = 0;
    std::uint64_t top_lines_ = 0;
};

}  // namespace layer7::mail::pop3
