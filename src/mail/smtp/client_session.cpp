// ClientSession: the RFC 5321 client state machine. See client_session.hpp.
//
// Theory of operation. greeting (220) → EHLO (5xx: HELO) → [STARTTLS → handshake → EHLO again]
// → [AUTH PLAIN, or AUTH LOGIN's two 334 rounds] → the transaction → QUIT. The transaction is a
// list of commands — MAIL, one RCPT per recipient, DATA — written all at once when the server
// offers PIPELINING (RFC 2920 §3.1) or one per reply otherwise; `expected_` holds the replies still
// owed, in order. Each recipient's fate is decided by its RCPT reply when negative, else by the
// reply to the final "."; a whole-session failure (greeting, MAIL, AUTH…) decides every recipient
// still undecided. 2xx is sent, 4xx temporary, 5xx permanent; 421 closes at once (§3.8).
#include "mail/smtp/client_session.hpp"

#include <cstdint>
#include <utility>

#include "core/bytes/base64.hpp"
#include "core/text/ascii.hpp"

namespace layer7::mail::smtp {
namespace {

Verdict verdict_of(int code)
{
    if (code >= 200 && code < 300)
        return Verdict::sent;
    if (code >= 500 && code < 600)
        return Verdict::permanent;
    return Verdict::temporary;  // 4xx, and 3xx where none belongs
}

}  // namespace

Reply lost_connection_reply()
{
    return {421, "4.4.2 lost connection with the server"};
}

std::string dot_stuff(std::string_view body)
{
    std::string out;
    out.reserve(body.size() + body.size() / 64 + 8);
    bool line_start = true;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (line_start && c == '.')
            out.push_back('.');
        line_start = false;
        if (c == '\n') {
            if (out.empty() || out.back() != '\r')
                out.push_back('\r');  // a bare LF becomes a line end, never a smuggled one
            line_start = true;
        } else if (c == '\r' && (i + 1 >= body.size() || body[i + 1] != '\n')) {
            out += "\r\n";  // a bare CR, likewise
            line_start = true;
            continue;
        }
        out.push_back(c);
    }
    if (!line_start)
        out += "\r\n";
    out += ".\r\n";
    return out;
}

ClientSession::ClientSession(const ClientOptions& options, const Outgoing& outgoing)
    : options_(options), outgoing_(outgoing), results_(outgoing.rcpt_to.size())
{
}

bool ClientSession::all_sent() const
{
    for (const auto& r : results_)
        if (r.verdict != Verdict::sent)
            return false;
    return !results_.empty();
}

void ClientSession::decide(RecipientResult& r, const Reply& reply)
{
    if (r.verdict != Verdict::pending)
        return;
    r.verdict = verdict_of(reply.code);
    r.reply = reply;
}

ClientStep ClientSession::fail_all(const Reply& reply)
{
    for (auto& r : results_) {
        if (r.verdict == Verdict::pending)
            decide(r, reply.code / 100 == 2 ? Reply{451, "4.3.0 " + reply.text} : reply);
    }
    if (reply.code == 421) {  // the server is closing the channel: no QUIT
        state_ = State::done;
        return {{}, ClientNext::close};
    }
    return quit();
}

ClientStep ClientSession::quit()
{
    state_ = State::quit;
    return {"QUIT\r\n", ClientNext::read_reply};
}

void ClientSession::on_connection_lost()
{
    for (auto& r : results_) {
        if (r.verdict != Verdict::pending)
            continue;
        decide(r, lost_connection_reply());
        r.connection_lost = true;
    }
    state_ = State::done;
}

ClientStep ClientSession::ehlo()
{
    state_ = State::ehlo;
    return {"EHLO " + options_.helo + "\r\n", ClientNext::read_reply};
}

void ClientSession::learn_extensions(const Reply& reply)
{
    ext_starttls_ = ext_pipelining_ = ext_8bitmime_ = ext_smtputf8_ = auth_plain_ = auth_login_ = false;
    ext_size_.reset();
    std::string_view text = reply.text;
    bool first = true;  // the first line is the greeting, not a keyword
    while (!text.empty()) {
        const auto nl = text.find('\n');
        const std::string line = core::to_upper(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        if (std::exchange(first, false))
            continue;
        const std::string keyword = line.substr(0, line.find_first_of(" ="));
        const std::string params = keyword.size() < line.size() ? line.substr(keyword.size() + 1) : "";
        if (keyword == "STARTTLS")
            ext_starttls_ = true;
        else if (keyword == "PIPELINING")
            ext_pipelining_ = true;
        else if (keyword == "8BITMIME")
            ext_8bitmime_ = true;
        else if (keyword == "SMTPUTF8")
            ext_smtputf8_ = true;
        else if (keyword == "SIZE") {
            std::size_t size = 0;
            bool digits = !params.empty();
            for (char c : params) {
                if (c < '0' || c > '9' || size > (SIZE_MAX - 9) / 10) {
                    digits = false;
                    break;
                }
                size = size * 10 + static_cast<std::size_t>(c - '0');
            }
            if (digits && size > 0)  // "SIZE" or "SIZE 0": no fixed limit
                ext_size_ = size;
        } else if (keyword == "AUTH") {  // "AUTH PLAIN LOGIN", or the old "AUTH=PLAIN LOGIN"
            std::string_view mechs = params;
            while (!mechs.empty()) {
                const auto sp = mechs.find(' ');
                const std::string_view mech = mechs.substr(0, sp);
                auth_plain_ = auth_plain_ || mech == "PLAIN";
                auth_login_ = auth_login_ || mech == "LOGIN";
                mechs = sp == std::string_view::npos ? std::string_view() : mechs.substr(sp + 1);
            }
        }
    }
}

ClientStep ClientSession::on_tls_started()
{
    tls_ = true;
    return ehlo();
}

ClientStep ClientSession::after_hello()
{
    if (!tls_ && options_.tls != TlsPolicy::never && ext_starttls_) {
        state_ = State::starttls;
        return {"STARTTLS\r\n", ClientNext::read_reply};
    }
    if (!tls_ && options_.tls == TlsPolicy::required)
        return fail_all({451, "4.7.4 TLS is required, but was not offered by the server"});
    if (!options_.user.empty()) {
        if (auth_plain_) {
            state_ = State::auth_response;
            std::string plain;  // [authzid] NUL authcid NUL passwd (RFC 4616 §2)
            plain.push_back('\0');
            plain += options_.user;
            plain.push_back('\0');
            plain += options_.password;
            return {"AUTH PLAIN " + core::base64_encode(plain) + "\r\n", ClientNext::read_reply};
        }
        if (auth_login_) {
            state_ = State::auth_login_user;
            return {"AUTH LOGIN\r\n", ClientNext::read_reply};
        }
        return fail_all({530, "5.7.0 the server offers no AUTH PLAIN or LOGIN here"});
    }
    return begin_transaction();
}

std::string ClientSession::mail_command() const
{
    std::string cmd = "MAIL FROM:<" + outgoing_.mail_from + ">";
    if (ext_size_)
        cmd += " SIZE=" + std::to_string(outgoing_.body.size());
    if (outgoing_.eight_bit_mime && ext_8bitmime_)
        cmd += " BODY=8BITMIME";
    if (outgoing_.smtputf8)
        cmd += " SMTPUTF8";
    return cmd + "\r\n";
}

ClientStep ClientSession::begin_transaction()
{
    if (ext_size_ && outgoing_.body.size() > *ext_size_)
        return fail_all({552, "5.3.4 message size exceeds the server's limit of " + std::to_string(*ext_size_)});
    if (outgoing_.smtputf8 && !ext_smtputf8_)  // RFC 6531 §3.2: no downgrade
        return fail_all({553, "5.6.7 SMTPUTF8 is required, but was not offered by the server"});
    if (results_.empty())
        return quit();
    state_ = State::transaction;
    sent_ = 0;
    if (!ext_pipelining_)
        return next_command();
    std::string wire = mail_command();
    expected_.push_back(Pipe::mail);
    for (const auto& rcpt : outgoing_.rcpt_to) {
        wire += "RCPT TO:<" + rcpt + ">\r\n";
        expected_.push_back(Pipe::rcpt);
    }
    wire += "DATA\r\n";
    expected_.push_back(Pipe::data);
    sent_ = results_.size() + 2;
    return {std::move(wire), ClientNext::read_reply};
}

ClientStep ClientSession::next_command()
{
    const std::size_t n = results_.size();
    if (sent_ == 0) {
        ++sent_;
        expected_.push_back(Pipe::mail);
        return {mail_command(), ClientNext::read_reply};
    }
    if (sent_ <= n) {
        const std::string& rcpt = outgoing_.rcpt_to[sent_ - 1];
        ++sent_;
        expected_.push_back(Pipe::rcpt);
        return {"RCPT TO:<" + rcpt + ">\r\n", ClientNext::read_reply};
    }
    if (accepted_ == 0)  // nobody to send to: no DATA
        return quit();
    ++sent_;
    expected_.push_back(Pipe::data);
    return {"DATA\r\n", ClientNext::read_reply};
}

ClientStep ClientSession::transaction_reply(const Reply& reply)
{
    const Pipe pipe = expected_.front();
    expected_.erase(expected_.begin());
    switch (pipe) {
    case Pipe::mail:
        if (reply.code / 100 != 2) {
            mail_failed_ = true;
            for (auto& r : results_)
                decide(r, reply);
        }
        break;
    case Pipe::rcpt: {
        RecipientResult& r = results_.at(next_rcpt_reply_++);
        if (mail_failed_)
            break;
        if (reply.code / 100 == 2) {
            ++accepted_;
            r.reply = reply;
        } else
            decide(r, reply);
        break;
    }
    case Pipe::data:
        if (reply.code == 354) {
            if (mail_failed_ || accepted_ == 0) {
                state_ = State::abort_data;  // RFC 2920 §3.1: end the empty message at once
                return {".\r\n", ClientNext::read_reply};
            }
            state_ = State::data_end;
            return {dot_stuff(outgoing_.body), ClientNext::read_reply};
        }
        if (!mail_failed_)
            for (auto& r : results_)
                decide(r, reply);
        if (reply.code == 421)
            return fail_all(reply);
        return quit();
    }
    if (reply.code == 421)
        return fail_all(reply);
    if (!expected_.empty())
        return {};  // more pipelined replies to come
    if (mail_failed_)
        return quit();
    if (ext_pipelining_)  // DATA's reply is the last one expected; not reached
        return quit();
    return next_command();
}

ClientStep ClientSession::on_reply(const Reply& reply)
{
    switch (state_) {
    case State::greeting:
        if (reply.code != 220)
            return fail_all(reply);
        return ehlo();
    case State::ehlo:
        if (reply.code == 250) {
            learn_extensions(reply);
            return after_hello();
        }
        if (reply.code >= 500 && reply.code < 600) {  // an SMTP-only server: HELO (RFC 5321 §4.1.4)
            state_ = State::helo;
            return {"HELO " + options_.helo + "\r\n", ClientNext::read_reply};
        }
        return fail_all(reply);
    case State::helo:
        if (reply.code != 250)
            return fail_all(reply);
        learn_extensions({250, ""});
        return after_hello();
    case State::starttls:
        if (reply.code == 220) {
            state_ = State::ehlo;  // on_tls_started() sends it
            return {{}, ClientNext::start_tls};
        }
        if (options_.tls == TlsPolicy::required || reply.code == 421)
            return fail_all(reply);
        ext_starttls_ = false;  // opportunistic: carry on in plaintext
        return after_hello();
    case State::auth_login_user:
        if (reply.code != 334)
            return fail_all(reply);
        state_ = State::auth_login_password;
        return {core::base64_encode(options_.user) + "\r\n", ClientNext::read_reply};
    case State::auth_login_password:
        if (reply.code != 334)
            return fail_all(reply);
        state_ = State::auth_response;
        return {core::base64_encode(options_.password) + "\r\n", ClientNext::read_reply};
    case State::auth_response:
        if (reply.code != 235) {
            if (reply.code == 334) {  // a challenge we did not expect: cancel (RFC 4954 §4)
                state_ = State::auth_plain;
                return {"*\r\n", ClientNext::read_reply};
            }
            return fail_all(reply);
        }
        return begin_transaction();
    case State::auth_plain:  // the answer to our "*"
        return fail_all({535, "5.7.8 authentication exchange cancelled"});
    case State::transaction: return transaction_reply(reply);
    case State::data_end:
        for (auto& r : results_)
            decide(r, reply);  // only the recipients RCPT accepted are still pending
        if (reply.code == 421)
            return fail_all(reply);
        return quit();
    case State::abort_data: return quit();
    case State::quit:
    case State::done: break;
    }
    state_ = State::done;
    return {{}, ClientNext::close};
}

}  // namespace layer7::mail::smtp
