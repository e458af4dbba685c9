// The pure POP3 server session: see session.hpp.
//
// Theory of operation (RFC 1939 §3). AUTHORIZATION: USER then PASS; the password is checked
// through Policy::check_credentials, then the shell is asked to open (lock + list) the maildrop —
// the lock is RFC 1939 §8's exclusive access, so a second session gets "-ERR [IN-USE]" and stays in
// AUTHORIZATION. TRANSACTION: commands work on the snapshot taken at login; DELE only marks, RSET
// unmarks. QUIT in TRANSACTION enters UPDATE: the shell deletes the marked messages (and flags
// the retrieved ones seen) and only then do we answer +OK — a connection lost before QUIT deletes
// nothing. RETR/TOP ask the shell for the bytes; on_message() stuffs and sends them. Each failed
// PASS doubles a delay the shell waits before answering; max_auth_failures closes the connection.
#include "mail/pop3/session.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "core/text/ascii.hpp"
#include "mail/pop3/response_codec.hpp"

namespace layer7::mail::pop3 {

struct Session::Command {
    std::string_view verb;
    Step (Session::*handler)(std::string_view args);
    bool in_authorization;
    bool in_transaction;
};

namespace {
constexpr std::size_t max_number_digits = 10;

// Splits "arg1 arg2" into words (RFC 1939 §3: arguments separated by a single space; we accept runs).
std::vector<std::string_view> words(std::string_view text)
{
    std::vector<std::string_view> out;
    while (!text.empty()) {
        while (!text.empty() && text.front() == ' ')
            text.remove_prefix(1);
        if (text.empty())
            break;
        const auto space = text.find(' ');
        out.push_back(text.substr(0, space));
        text = space == std::string_view::npos ? std::string_view{} : text.substr(space);
    }
    return out;
}

std::optional<std::uint64_t> parse_number(std::string_view text)
{
    if (text.empty() || text.size() > max_number_digits)
        return std::nullopt;
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return v;
}

// Appends `content` (any line ends) as CRLF lines, dot-stuffed; with `body_lines`, only the header,
// the blank line and that many body lines (TOP, RFC 1939 §7).
void append_message(std::string& out, std::string_view content, std::optional<std::uint64_t> body_lines)
{
    bool in_body = false;
    std::uint64_t sent_body = 0;
    while (!content.empty()) {
        const auto lf = content.find('\n');
        std::string_view line = content.substr(0, lf);
        content = lf == std::string_view::npos ? std::string_view{} : content.substr(lf + 1);
        if (lf != std::string_view::npos && !line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (in_body && body_lines && sent_body++ >= *body_lines)
            break;
        append_stuffed(out, line);
        if (!in_body && line.empty())
            in_body = true;
    }
}
}  // namespace

const Session::Command* Session::find(std::string_view verb)
{
    static constexpr std::array<Command, 13> table{{
        {"USER", &Session::user, true, false},
        {"PASS", &Session::pass, true, false},
        {"QUIT", &Session::quit, true, true},
        {"CAPA", &Session::capa, true, true},
        {"STLS", &Session::stls, true, false},
        {"STAT", &Session::stat, false, true},
        {"LIST", &Session::list, false, true},
        {"RETR", &Session::retr, false, true},
        {"DELE", &Session::dele, false, true},
        {"NOOP", &Session::noop, false, true},
        {"RSET", &Session::rset, false, true},
        {"TOP", &Session::top, false, true},
        {"UIDL", &Session::uidl, false, true},
    }};
    for (const auto& c : table)
        if (core::iequals(c.verb, verb))
            return &c;
    return nullptr;
}

Session::Session(const Policy& policy, Client client) : policy_(policy), client_(client), tls_(client.tls) {}

std::string Session::greeting() const
{
    return ok(policy_.greeting);
}

Step Session::reply(std::string wire)
{
    Step s;
    s.wire = std::move(wire);
    return s;
}

Step Session::error(std::string_view text)
{
    if (++errors_ >= policy_.max_errors) {
        state_ = State::closed;
        Step s = reply(err("too many errors, closing connection"));
        s.action = Action::close;
        return s;
    }
    return reply(err(text));
}

Step Session::silent_close()
{
    Step s;
    s.action = Action::close;  // the shell never feeds lines while an action is pending
    return s;
}

Step Session::on_line(std::string_view line)
{
    if (!takes_lines())
        return silent_close();
    const auto space = line.find(' ');
    const std::string_view verb = line.substr(0, space);
    const std::string_view args = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    const Command* command = find(verb);
    if (!command)
        return error("unknown command");
    const bool allowed = state_ == State::authorization ? command->in_authorization : command->in_transaction;
    if (!allowed)
        return error(state_ == State::authorization ? "not logged in" : "command not valid in this state");
    return (this->*command->handler)(args);
}

Step Session::on_line_too_long()
{
    if (!takes_lines())
        return silent_close();
    return error("line too long");
}

Step Session::user(std::string_view args)
{
    if (!auth_allowed())
        return error("[AUTH] plaintext authentication disallowed on non-secure connections, use STLS");
    if (args.empty() || args.find(' ') != std::string_view::npos)
        return error("USER takes one argument: the name");
    // +OK whether or not the name exists: the answer to PASS is the same for both (no user probing).
    pending_user_ = std::string(args);
    return reply(ok("send PASS"));
}

Step Session::pass(std::string_view args)
{
    if (!auth_allowed())
        return error("[AUTH] plaintext authentication disallowed on non-secure connections, use STLS");
    if (!pending_user_)
        return error("USER first");
    // RFC 1939 §7: the argument is the rest of the line, spaces included.
    const std::string name = std::move(*pending_user_);
    pending_user_.reset();
    if (policy_.check_credentials && policy_.check_credentials(name, args)) {
        Step s;
        s.action = Action::open_mailbox;
        s.user = name;
        return s;
    }
    ++auth_failures_;
    Step s;
    s.delay = policy_.auth_failure_delay * (1 << std::min<std::size_t>(auth_failures_ - 1, 10));
    if (auth_failures_ >= policy_.max_auth_failures) {
        state_ = State::closed;
        s.wire = err("[AUTH] too many authentication failures, closing connection");
        s.action = Action::close;
        return s;
    }
    s.wire = err("[AUTH] invalid user name or password");
    return s;
}

Step Session::on_mailbox(OpenResult result, std::vector<MessageInfo> messages)
{
    if (state_ != State::authorization)
        return reply(err("unexpected mailbox"));
    if (result == OpenResult::in_use)
        return reply(err("[IN-USE] mailbox already locked by another session"));
    if (result == OpenResult::failed)
        return reply(err("[SYS/TEMP] cannot open the mailbox, try again later"));
    messages_ = std::move(messages);
    deleted_.assign(messages_.size(), false);
    retrieved_.assign(messages_.size(), false);
    state_ = State::transaction;
    return reply(ok("user successfully logged on, " + std::to_string(live_count()) + " messages (" +
                    std::to_string(live_size()) + " octets)"));
}

Step Session::quit(std::string_view)
{
    if (state_ == State::authorization) {
        state_ = State::closed;
        Step s = reply(ok("POP3 server signing off"));
        s.action = Action::close;
        return s;
    }
    state_ = State::update;
    Step s;
    for (std::size_t i = 0; i < messages_.size(); ++i) {
        if (deleted_[i])
            s.deletions.push_back(i);
        else if (retrieved_[i])
            s.retrieved.push_back(i);
    }
    if (s.deletions.empty() && s.retrieved.empty())
        return on_committed({});
    s.action = Action::commit;
    return s;
}

Step Session::on_committed(std::error_code ec)
{
    state_ = State::closed;
    Step s = reply(ec ? err("[SYS/TEMP] some deleted messages not removed") : ok("POP3 server signing off"));
    s.action = Action::close;
    return s;
}

Step Session::capa(std::string_view)
{
    std::string out = ok("Capability list follows");
    for (std::string_view cap : {"TOP", "UIDL"})
        append_stuffed(out, cap);
    if (state_ == State::authorization && auth_allowed())
        append_stuffed(out, "USER");
    if (state_ == State::authorization && policy_.tls_available && !tls_)
        append_stuffed(out, "STLS");
    for (std::string_view cap : {"PIPELINING", "RESP-CODES", "AUTH-RESP-CODE"})
        append_stuffed(out, cap);
    append_stuffed(out, "IMPLEMENTATION " + policy_.implementation);
    out += end_of_multiline;
    return reply(std::move(out));
}

Step Session::stls(std::string_view args)
{
    if (!args.empty())
        return error("STLS takes no argument");
    if (tls_)
        return error("already using TLS");
    if (!policy_.tls_available)
        return error("STLS not available");
    Step s = reply(ok("Begin TLS negotiation"));
    s.action = Action::start_tls;
    return s;
}

void Session::on_tls_started()
{
    tls_ = true;
    pending_user_.reset();  // RFC 2595 §4: nothing said in plaintext carries over
}

std::size_t Session::live_count() const
{
    return static_cast<std::size_t>(std::count(deleted_.begin(), deleted_.end(), false));
}

std::uint64_t Session::live_size() const
{
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < messages_.size(); ++i)
        if (!deleted_[i])
            total += messages_[i].size;
    return total;
}

std::optional<std::size_t> Session::message_number(std::string_view arg, Step& failure)
{
    const auto n = parse_number(arg);
    if (!n) {
        failure = error("invalid message number");
        return std::nullopt;
    }
    if (*n == 0 || *n > messages_.size()) {
        failure = reply(err("no such message"));
        return std::nullopt;
    }
    if (deleted_[*n - 1]) {
        failure = reply(err("message " + std::to_string(*n) + " already deleted"));
        return std::nullopt;
    }
    return static_cast<std::size_t>(*n - 1);
}

Step Session::stat(std::string_view args)
{
    if (!args.empty())
        return error("STAT takes no argument");
    return reply(ok(std::to_string(live_count()) + " " + std::to_string(live_size())));
}

Step Session::list(std::string_view args)
{
    const auto w = words(args);
    if (w.size() > 1)
        return error("LIST takes at most one argument");
    if (w.size() == 1) {
        Step failure;
        const auto i = message_number(w[0], failure);
        if (!i)
            return failure;
        return reply(ok(std::to_string(*i + 1) + " " + std::to_string(messages_[*i].size)));
    }
    std::string out = ok(std::to_string(live_count()) + " messages (" + std::to_string(live_size()) + " octets)");
    for (std::size_t i = 0; i < messages_.size(); ++i)
        if (!deleted_[i])
            append_stuffed(out, std::to_string(i + 1) + " " + std::to_string(messages_[i].size));
    out += end_of_multiline;
    return reply(std::move(out));
}

Step Session::uidl(std::string_view args)
{
    const auto w = words(args);
    if (w.size() > 1)
        return error("UIDL takes at most one argument");
    if (w.size() == 1) {
        Step failure;
        const auto i = message_number(w[0], failure);
        if (!i)
            return failure;
        return reply(ok(std::to_string(*i + 1) + " " + messages_[*i].uid));
    }
    std::string out = ok("unique-id listing follows");
    for (std::size_t i = 0; i < messages_.size(); ++i)
        if (!deleted_[i])
            append_stuffed(out, std::to_string(i + 1) + " " + messages_[i].uid);
    out += end_of_multiline;
    return reply(std::move(out));
}

Step Session::retr(std::string_view args)
{
    const auto w = words(args);
    if (w.size() != 1)
        return error("RETR takes one argument: the message number");
    Step failure;
    const auto i = message_number(w[0], failure);
    if (!i)
        return failure;
    pending_ = Pending::retr;
    pending_message_ = *i;
    Step s;
    s.action = Action::read_message;
    s.message = *i;
    return s;
}

Step Session::top(std::string_view args)
{
    const auto w = words(args);
    if (w.size() != 2)
        return error("TOP takes two arguments: message number and line count");
    Step failure;
    const auto i = message_number(w[0], failure);
    if (!i)
        return failure;
    const auto lines = parse_number(w[1]);
    if (!lines)
        return error("invalid line count");
    pending_ = Pending::top;
    pending_message_ = *i;
    top_lines_ = *lines;
    Step s;
    s.action = Action::read_message;
    s.message = *i;
    return s;
}

Step Session::on_message(std::optional<std::string_view> content)
{
    const Pending pending = std::exchange(pending_, Pending::none);
    if (pending == Pending::none)
        return reply(err("unexpected message"));
    if (!content)
        return reply(err("[SYS/TEMP] cannot read message " + std::to_string(pending_message_ + 1)));
    std::string out;
    if (pending == Pending::retr) {
        out = ok(std::to_string(messages_[pending_message_].size) + " octets");
        append_message(out, *content, std::nullopt);
        retrieved_[pending_message_] = true;
    } else {
        out = ok("top of message follows");
        append_message(out, *content, top_lines_);
    }
    out += end_of_multiline;
    return reply(std::move(out));
}

Step Session::dele(std::string_view args)
{
    const auto w = words(args);
    if (w.size() != 1)
        return error("DELE takes one argument: the message number");
    Step failure;
    const auto i = message_number(w[0], failure);
    if (!i)
        return failure;
    deleted_[*i] = true;
    return reply(ok("message " + std::to_string(*i + 1) + " deleted"));
}

Step Session::noop(std::string_view args)
{
    if (!args.empty())
        return error("NOOP takes no argument");
    return reply(ok(""));
}

Step Session::rset(std::string_view args)
{
    if (!args.empty())
        return error("RSET takes no argument");
    deleted_.assign(messages_.size(), false);
    return reply(
        ok("maildrop has " + std::to_string(live_count()) + " messages (" + std::to_string(live_size()) + " octets)"));
}

}  // namespace layer7::mail::pop3
