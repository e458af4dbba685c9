// The body of /mail/events: a Server-Sent Events stream that sends the account's state (unread
// counts of every folder, the shown folder's UIDNEXT and stamp) at once and again whenever a
// folder changes — SMTP delivered, POP3 deleted, IMAP flagged or created a folder. It waits on
// imap::FolderWatch (inotify), the watcher IMAP IDLE uses (without inotify, on the mail system's
// delivery notice and the heartbeat); a comment line every heartbeat finds a page that is gone,
// and the stream ends after limits.idle without news (EventSource reopens it).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <asio/steady_timer.hpp>

#include "core/net/byte_source.hpp"
#include "mail/imap/folder_watch.hpp"
#include "mail/web/push.hpp"

namespace layer7::mail::web {

// What a push stream asks the web mail for (synchronous store reads, on the stream's thread).
class PushFeed {
public:
    struct State {
        std::string json;                  // the "state" event's data
        std::vector<std::string> folders;  // every folder's Maildir, to watch
        std::string root;                  // the user's Maildir++ root: folders appear and go there
    };
    virtual ~PushFeed() = default;
    // The account now, or nullopt when the session has ended (logged out, expired).
    virtual std::optional<State> push_state(const std::string& session_id, const std::string& folder) = 0;
    // Stream `id` is gone: its slot is free.
    virtual void push_closed(std::uint64_t id) = 0;
};

class PushStream;

// Ends a stream from any thread (a newer stream took its place): it sends "bye" and finishes.
class PushControl : public std::enable_shared_from_this<PushControl> {
public:
    void end();
    bool ended();
    // From any thread: the mail system delivered to the user. A stream without inotify looks at
    // once instead of at its next heartbeat; one with inotify has seen it already.
    void delivered();

private:
    friend class PushStream;
    std::mutex mutex_;
    bool ended_ = false;
    std::optional<asio::any_io_executor> executor_;  // the stream's, once it runs
    PushStream* stream_ = nullptr;                   // read and written on executor_ only
};

class PushStream final : public core::ByteSource {
public:
    PushStream(std::shared_ptr<PushFeed> feed, std::uint64_t id, std::string session_id, std::string folder,
               PushLimits limits);
    ~PushStream() override;
    PushStream(const PushStream&) = delete;

    const std::shared_ptr<PushControl>& control() const { return control_; }
    // Keeps the mail system's delivery listener (whose notices reach control()) while the stream lives.
    void hold(std::shared_ptr<void> delivery_listener) { delivery_listener_ = std::move(delivery_listener); }
    core::awaitable<std::error_code> next(std::string_view& chunk) override;
    // The server stops or the page went: the stream ends without "bye" (EventSource reopens it).
    void cancel() override;

private:
    using Clock = std::chrono::steady_clock;
    friend class PushControl;
    // Until a folder changes, `deadline` passes or wake() is called.
    core::awaitable<void> wait(Clock::time_point deadline);
    void wake();
    void on_delivered();

    std::shared_ptr<PushFeed> feed_;
    std::uint64_t id_;
    std::string session_id_, folder_;
    PushLimits limits_;
    std::shared_ptr<PushControl> control_ = std::make_shared<PushControl>();
    std::shared_ptr<void> delivery_listener_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for timer handlers run after us

    bool started_ = false, done_ = false, cancelled_ = false, woken_ = false, watch_broken_ = false;
    bool delivered_ = false;  // a delivery notice came while not waiting: the next wait ends at once
    std::optional<asio::any_io_executor> executor_;
    std::optional<asio::steady_timer> timer_;
    std::optional<imap::FolderWatch> watch_;
    std::vector<std::string> watched_;
    std::uint64_t wait_generation_ = 0;
    std::string last_state_, out_;
    Clock::time_point last_event_{}, last_write_{};
};

}  // namespace layer7::mail::web
