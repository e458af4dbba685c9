// WebMail: the http::Handler behind /mail. Pages and forms are built by pages.cpp from the store
// (through imap::StoreAccount, the same Maildir++ view IMAP sessions get); this file is the shell:
// sessions and CSRF, the login throttle, reading and changing mail, queueing what is sent, and the
// push streams that bring new mail into an open page.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http/server/handler.hpp"
#include "mail/queue/acceptor.hpp"
#include "mail/store/system.hpp"
#include "mail/web/listing.hpp"
#include "mail/web/push_stream.hpp"
#include "mail/web/service.hpp"
#include "mail/web/sessions.hpp"

namespace layer7::mail::imap {
class StoreAccount;
}

namespace layer7::mail::web {

struct Frame;

class WebMail final : public http::Handler, public PushFeed, public std::enable_shared_from_this<WebMail> {
public:
    // What is sent goes to `acceptor`: the intake of the [smtp] server whose spool is queue_dir.
    WebMail(Config config, std::shared_ptr<const System> system, std::shared_ptr<Acceptor> acceptor);
    ~WebMail() override;
    core::awaitable<http::Outcome> handle(http::Exchange& exchange) override;

    // PushFeed: what the /events streams ask for.
    std::optional<PushFeed::State> push_state(const std::string& session_id, const std::string& folder) override;
    void push_closed(std::uint64_t id) override;

    // What one request gets: the reply, and how long to hold it back (a failed login).
    struct Answer {
        http::Reply reply;
        std::chrono::milliseconds delay{0};
    };

private:
    struct Request;
    Answer answer(Request& r);
    Answer login(Request& r);
    http::Reply logout(Request& r);
    http::Reply mailbox(Request& r);
    http::Reply message(Request& r);
    http::Reply part(Request& r, bool by_content_id);
    http::Reply compose(Request& r);
    http::Reply send(Request& r);
    http::Reply act(Request& r);
    http::Reply state(Request& r);
    http::Reply events(Request& r);
    http::Reply folders(Request& r);
    http::Reply folder_action(Request& r);

    Frame frame(Request& r, std::string folder);
    Frame frame(const std::string& base, const WebSession& session, std::string folder);
    // The state JSON of `folder` (one line with its LF), nullopt when the folder cannot be read.
    std::optional<std::string> state_of(const std::string& base, const WebSession& session, const std::string& folder);
    // The summary of one message, cached by its folder and file's unique name (messages never change).
    Summary summary_of(imap::StoreAccount& account, const std::string& folder, std::uint32_t uid,
                       const std::string& unique, const std::string& flags, std::uint64_t size);

    Config config_;
    std::shared_ptr<const System> system_;  // the users and the store, shared with SMTP, POP3 and IMAP
    std::shared_ptr<Acceptor> acceptor_;    // where sent mail goes (the SMTP service's intake)
    std::mutex mutex_;                      // guards sessions_, throttle_ and summaries_ (handlers run on every worker)
    SessionStore sessions_;
    LoginThrottle throttle_;
    std::unordered_map<std::string, Summary> summaries_;
    PushRegistry pushes_;  // guarded by mutex_ too
    std::unordered_map<std::uint64_t, std::weak_ptr<PushControl>> push_controls_;
};

}  // namespace layer7::mail::web
