// A WebSocket connection after the handshake: the coroutine shell around Decoder and Encoder.
// One reader (frames in → the Application), one writer (a bounded queue → frames out), and the
// close handshake (§7), keep-alive pings and the idle timeout, all on the connection's thread;
// offer() and close() may be called from any thread (a chat room fans out across workers).
//
// Backpressure. What waits to be sent is bounded by max_send_queue bytes. send() (the same
// connection's reader, e.g. echo) waits for room, so a slow reader stops us reading from it;
// offer() (others, e.g. chat) never waits: past the bound the connection is dropped with 1008
// "too slow", as it cannot keep up with the room.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/net/duplex.hpp"
#include "http/websocket/decoder.hpp"
#include "http/websocket/encoder.hpp"

namespace layer7::http::websocket {

struct SessionOptions {
    DecoderLimits limits;
    std::chrono::seconds idle_timeout{300};  // nothing from the peer this long → Close 1001
    std::chrono::seconds ping_interval{30};  // quiet this long → we ping (a live peer pongs)
    std::chrono::seconds close_timeout{5};   // after our Close, how long we wait for the peer's
    std::size_t max_send_queue = 4u << 20;   // bytes waiting to be sent (see above)
};

class Session;

// What runs over the connection: the echo, a chat member, the interactive client.
class Application {
public:
    virtual ~Application() = default;
    virtual core::awaitable<void> on_open(Session&) { co_return; }
    // `payload` is the decoder's: valid until the call returns, and the application may move it
    // out to keep it (the echo sends it back without a copy).
    virtual core::awaitable<void> on_message(Session& session, Opcode opcode, std::string& payload) = 0;
    // The connection is over (after the close handshake or a failure); `code` is what closed it.
    virtual void on_close(Session&, CloseCode) {}
};

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(core::Duplex& peer, Side we, const SessionOptions& options, const std::optional<DeflateParams>& deflate,
            std::function<std::uint32_t()> mask_source = {});

    // Runs until the connection ends; `already_read` are bytes that followed the handshake.
    core::awaitable<void> run(Application& app, std::string already_read);

    // From the connection's own thread: queues a message, waiting while the queue is full.
    core::awaitable<void> send(Opcode opcode, std::string payload);
    // From any thread: queues a message without waiting; false (and the connection is dropped
    // with 1008) when over max_send_queue.
    bool offer(Opcode opcode, std::shared_ptr<const std::string> payload);
    // From any thread: starts the close handshake.
    void close(CloseCode code, std::string reason);

    const std::string& peer() const { return peer_; }

private:
    struct Outgoing {
        Opcode opcode;
        std::shared_ptr<const std::string> payload;
        std::optional<CloseBody> close;  // opcode close
        bool framed = false;             // payload is a whole frame's bytes already (see send_now)
    };
    core::awaitable<void> reader(Application& app, std::string already_read);
    // Reads what comes next into the decoder.
    core::awaitable<std::error_code> receive();
    // Sends a message without the writer when it is idle: see session.cpp.
    bool send_now(Opcode opcode, const std::string& payload);
    core::awaitable<void> writer();
    // Queues under the lock; wakes the writer (posting when called from another thread).
    void push(Outgoing item, bool from_other_thread);
    void wake(bool from_other_thread);
    void queue_close(CloseBody body, bool from_other_thread);  // the first Close only

    core::Duplex& stream_;
    Side we_;
    SessionOptions options_;
    Decoder decoder_;
    Encoder encoder_;
    std::string peer_;
    asio::any_io_executor executor_;
    char* const worker_input_;  // the worker's shared read buffer (core::WorkerSlots::input)
    asio::steady_timer wake_;   // the writer sleeps on it; cancel() wakes it
    asio::steady_timer room_;   // send() sleeps on it while the queue is full

    std::mutex mutex_;             // guards queue_, queued_bytes_, close_queued_, dropped_
    std::vector<Outgoing> queue_;  // not a deque: an empty one costs no allocation
    std::size_t queued_bytes_ = 0;
    bool close_queued_ = false;
    bool dropped_ = false;

    // The connection's thread only.
    std::chrono::steady_clock::time_point last_heard_;
    bool ping_outstanding_ = false;
    bool close_sent_ = false;
    bool close_received_ = false;
    bool failed_ = false;  // we failed the connection: close TCP right after our Close
    bool writing_ = false;
    bool last_read_filled_ = false;  // the last read took all the room it had: more is likely there
    unsigned reads_now_ = 0;
    CloseCode end_code_ = CloseCode::abnormal;
};

}  // namespace layer7::http::websocket
