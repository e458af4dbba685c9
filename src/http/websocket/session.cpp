// A WebSocket connection after the handshake: see session.hpp.
#include "http/websocket/session.hpp"

#include <spdlog/spdlog.h>

#include "core/net/worker_slots.hpp"

namespace layer7::http::websocket {

namespace {
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;
constexpr std::size_t read_size = 64 * 1024;        // room offered to each read
constexpr std::size_t gather_threshold = 4 * 1024;  // larger payloads are not copied to be sent

// Empties `c` and gives its memory back.
template <class Container>
void release(Container& c)
{
    Container().swap(c);
}
}  // namespace

Session::Session(core::Duplex& stream, Side we, const SessionOptions& options,
                 const std::optional<DeflateParams>& deflate, std::function<std::uint32_t()> mask_source)
    : stream_(stream), we_(we), options_(options), decoder_(we, options.limits, deflate),
      encoder_(we, deflate, std::move(mask_source)), peer_(stream.peer_string()), executor_(stream.executor()),
      worker_input_(core::WorkerSlots::of(executor_).input()), wake_(executor_), room_(executor_)
{
    decoder_.report_frames(core::Trace::instance().enabled());
}

core::awaitable<void> Session::run(Application& app, std::string already_read)
{
    // The stream's own deadline only guards a write the peer never takes; idleness is ours.
    stream_.set_timeout(options_.idle_timeout + options_.close_timeout);
    last_heard_ = Clock::now();
    co_await app.on_open(*this);
    // Whichever ends first ends the connection: the reader at EOF, the writer after the close
    // handshake (or a failure, or the close timeout).
    co_await (reader(app, std::move(already_read)) || writer());
    app.on_close(*this, end_code_);
}

core::awaitable<void> Session::reader(Application& app, std::string already_read)
{
    decoder_.feed(already_read);
    auto& trace = core::Trace::instance();
    for (bool fresh = !already_read.empty();; fresh = false) {
        if (!fresh) {
            if (co_await receive()) {
                if (!close_received_)
                    end_code_ = CloseCode::abnormal;  // §7.1.5: no Close frame was received
                co_return;
            }
            last_heard_ = Clock::now();
            ping_outstanding_ = false;
        }
        bool stop = false;
        for (Event e = decoder_.next(); e.kind != EventKind::need_more && !stop; e = decoder_.next()) {
            if (trace.enabled() && e.kind != EventKind::message && e.kind != EventKind::error)
                trace.line(stream_.trace_id(), stream_.them(),
                           describe_frame(e.header.opcode, e.header.fin, e.header.rsv1, e.payload));
            switch (e.kind) {
            case EventKind::need_more:
            case EventKind::frame:
            case EventKind::pong: break;
            case EventKind::message:
                // Still delivered after our Close: the peer may send until it has seen it (§5.5.1),
                // e.g. the echoes of what a client sent just before closing.
                co_await app.on_message(*this, e.opcode, decoder_.message());
                break;
            case EventKind::ping: {
                auto data = std::make_shared<const std::string>(e.payload);
                push(Outgoing{Opcode::pong, std::move(data), std::nullopt}, false);
                break;
            }
            case EventKind::close:
                close_received_ = true;
                end_code_ = e.close.code ? static_cast<CloseCode>(*e.close.code) : CloseCode::no_status;
                // §5.5.1: answer with a Close, echoing the code; then the server closes TCP.
                queue_close(CloseBody{e.close.code, ""}, false);
                wake(false);  // also when our Close went first: the handshake is complete
                stop = true;
                break;
            case EventKind::error:
                spdlog::info("websocket: {} from {}: closing with {}", describe(e.error), peer_,
                             static_cast<int>(close_code(e.error)));
                failed_ = true;
                end_code_ = close_code(e.error);
                queue_close(CloseBody{static_cast<std::uint16_t>(end_code_), std::string(describe(e.error))}, false);
                stop = true;
                break;
            }
        }
        if (stop)
            break;
    }
    // Nothing more to read that matters: the writer finishes the close and ends the connection.
    asio::steady_timer forever(executor_, Clock::time_point::max());
    co_await forever.async_wait(core::use_tuple);
}

core::awaitable<std::error_code> Session::receive()
{
    // Between messages a read goes into the worker's shared buffer, and the decoder keeps only what
    // came: an idle connection holds no input buffer, and one trading small messages does not take
    // and give back read_size bytes for each. Inside a message it goes straight into the decoder:
    // a large message's bytes are copied once, into the message.
    char* const shared = worker_input_;
    std::pair<std::error_code, std::size_t> got{asio::error::would_block, 0};
    std::size_t offered = 0;
    const auto read_now = [&] {
        if (decoder_.between_messages()) {
            offered = core::WorkerSlots::input_size;
            got = stream_.read_now(asio::buffer(shared, offered));
            if (!got.first)
                decoder_.feed(std::string_view(shared, got.second));
        } else {
            const std::span<char> room = decoder_.prepare(read_size);
            offered = room.size();
            got = stream_.read_now(asio::buffer(room.data(), room.size()));
            if (!got.first)
                decoder_.commit(got.second);
        }
    };
    // What has already arrived is taken at once, without a trip through the scheduler, unless the
    // last read found less than it had room for and the peer's message is whole: then the peer is
    // most likely waiting for our answer, and a read now would only say "nothing yet". Every few
    // reads one goes through the scheduler all the same, so a flood lets others run.
    const bool waits = stream_.waits_without_buffer();
    if ((last_read_filled_ || !decoder_.between_messages()) && ++reads_now_ % 16 != 0)
        read_now();
    if (got.first == asio::error::would_block && waits) {
        // Inside a message the decoder's buffer stays (no free and malloc for each frame of a
        // fragmented message); between messages nothing is kept while waiting.
        if (decoder_.between_messages())
            decoder_.release_memory();
        got.first = co_await stream_.wait_readable();
        if (!got.first)
            read_now();
    }
    if (got.first == asio::error::would_block) {  // no read_now here (an HTTP/2 stream), or TLS wants more
        const std::span<char> room = decoder_.prepare(read_size);
        offered = room.size();
        got = co_await stream_.read_some(asio::buffer(room.data(), room.size()));
        if (!got.first)
            decoder_.commit(got.second);
    }
    last_read_filled_ = !got.first && got.second == offered;
    co_return got.first;
}

core::awaitable<void> Session::writer()
{
    std::string out;
    // (where in `out` a payload sent as it is goes, that payload): see below
    std::vector<std::pair<std::size_t, std::string_view>> spans;
    std::vector<asio::const_buffer> pieces;
    std::vector<Outgoing> batch;
    Clock::time_point close_sent_at{};
    auto& trace = core::Trace::instance();
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            batch.swap(queue_);
        }
        if (batch.empty()) {
            if (close_sent_ && (close_received_ || failed_))
                co_return;
            const auto now = Clock::now();
            Clock::time_point deadline;
            if (close_sent_) {
                deadline = close_sent_at + options_.close_timeout;
                if (now >= deadline)
                    co_return;  // §7.1.1: the peer never answered our Close
            } else if (now - last_heard_ >= options_.idle_timeout) {
                spdlog::info("websocket: {} idle for {}s: closing", peer_, options_.idle_timeout.count());
                close(CloseCode::going_away, "idle timeout");
                continue;
            } else if (!ping_outstanding_ && now - last_heard_ >= options_.ping_interval) {
                ping_outstanding_ = true;
                push(Outgoing{Opcode::ping, std::make_shared<const std::string>("keep-alive"), std::nullopt}, false);
                continue;
            } else {
                deadline = last_heard_ + options_.idle_timeout;
                if (!ping_outstanding_)
                    deadline = std::min(deadline, last_heard_ + options_.ping_interval);
            }
            // Nothing to send: an idle connection keeps no buffer (the next message makes them
            // again; a busy one does not come here between its messages).
            release(out);
            release(spans);
            release(pieces);
            release(batch);
            {
                std::lock_guard lock(mutex_);  // it has the capacity of the last batch (swapped)
                if (queue_.empty())
                    release(queue_);
            }
            wake_.expires_at(deadline);
            co_await wake_.async_wait(core::use_tuple);
            continue;
        }
        // Frames are encoded into `out`, except a large payload the encoder sends as it is: that
        // is written from its own string (kept alive by `batch`) in the same gathered write.
        out.clear();
        spans.clear();
        std::size_t bytes = 0;
        for (Outgoing& item : batch) {
            if (close_sent_)
                break;  // nothing follows a Close (§5.5.1)
            const std::string_view payload = item.payload ? std::string_view(*item.payload) : std::string_view{};
            bytes += payload.size();
            if (item.framed) {
                out.append(payload);
                continue;
            }
            if (item.close) {
                encoder_.close(out, *item.close);
                close_sent_ = true;
                close_sent_at = Clock::now();
            } else if (is_control(item.opcode)) {
                encoder_.control(out, item.opcode, payload);
            } else if (encoder_.sends_payload_as_is() && payload.size() >= gather_threshold) {
                encoder_.message_head(out, item.opcode, payload.size());
                spans.push_back({out.size(), payload});
            } else {
                encoder_.message(out, item.opcode, payload);
            }
            if (trace.enabled()) {
                const std::string body = item.close ? encode_close_body(*item.close) : std::string();
                trace.line(stream_.trace_id(), stream_.us(),
                           describe_frame(item.opcode, true, encoder_.compressing() && !is_control(item.opcode),
                                          item.close ? std::string_view(body) : payload));
            }
        }
        writing_ = true;
        std::error_code ec;
        if (spans.empty()) {
            ec = co_await stream_.write(out);
        } else {
            pieces.clear();
            std::size_t at = 0;
            for (const auto& [until, payload] : spans) {
                pieces.push_back(asio::buffer(out.data() + at, until - at));
                pieces.push_back(asio::buffer(payload.data(), payload.size()));
                at = until;
            }
            if (at < out.size())
                pieces.push_back(asio::buffer(out.data() + at, out.size() - at));
            ec = co_await stream_.write_gather(pieces);
        }
        batch.clear();
        writing_ = false;
        {
            std::lock_guard lock(mutex_);
            queued_bytes_ -= std::min(queued_bytes_, bytes);
        }
        room_.cancel();
        if (ec)
            co_return;
        if (close_sent_ && (close_received_ || failed_))
            co_return;  // the server closes TCP first (§7.1.1); a failure closes at once (§7.1.7)
    }
}

void Session::push(Outgoing item, bool from_other_thread)
{
    {
        std::lock_guard lock(mutex_);
        if (item.payload)
            queued_bytes_ += item.payload->size();
        queue_.push_back(std::move(item));
    }
    wake(from_other_thread);
}

void Session::wake(bool from_other_thread)
{
    if (!from_other_thread) {
        wake_.cancel();
        return;
    }
    asio::post(executor_, [self = shared_from_this()] { self->wake_.cancel(); });
}

core::awaitable<void> Session::send(Opcode opcode, std::string payload)
{
    if (send_now(opcode, payload))
        co_return;
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (close_queued_ || dropped_)
                co_return;
            if (queued_bytes_ < options_.max_send_queue)
                break;
        }
        room_.expires_at(Clock::time_point::max());
        co_await room_.async_wait(core::use_tuple);
    }
    push(Outgoing{opcode, std::make_shared<const std::string>(std::move(payload)), std::nullopt}, false);
}

// A small message sent while the writer sleeps with nothing queued goes to the socket from here,
// without waking the writer: an echo's answer then costs no trip through the scheduler. What the
// socket does not take at once (or a failure) is queued as bytes already framed, for the writer.
bool Session::send_now(Opcode opcode, const std::string& payload)
{
    if (writing_ || payload.size() >= gather_threshold || core::Trace::instance().enabled())
        return false;  // the writer is busy, the payload is sent as it is, or the writer traces frames
    {
        std::lock_guard lock(mutex_);
        if (!queue_.empty() || close_queued_ || dropped_)
            return false;
    }
    std::string frame;
    frame.reserve(payload.size() + 8);  // the longest head below gather_threshold: 2 + 2 + a mask
    encoder_.message(frame, opcode, payload);
    std::string_view rest = frame;
    if (!stream_.write_now(rest) && rest.empty())
        return true;
    frame.erase(0, frame.size() - rest.size());
    push(Outgoing{opcode, std::make_shared<const std::string>(std::move(frame)), std::nullopt, true}, false);
    return true;
}

bool Session::offer(Opcode opcode, std::shared_ptr<const std::string> payload)
{
    {
        std::lock_guard lock(mutex_);
        if (close_queued_ || dropped_)
            return false;
        if (queued_bytes_ + payload->size() > options_.max_send_queue) {
            // Too far behind to catch up: drop what waits and say why (if the socket still takes it).
            dropped_ = close_queued_ = true;
            queue_.clear();
            queue_.push_back(Outgoing{Opcode::close, nullptr, CloseBody{1008, "too slow: send queue full"}});
            asio::post(executor_, [self = shared_from_this()] {
                spdlog::info("websocket: {} too slow, send queue over {} bytes: dropped", self->peer_,
                             self->options_.max_send_queue);
                self->failed_ = true;
                self->end_code_ = CloseCode::policy_violation;
                if (self->writing_)
                    self->stream_.cancel_write();  // stuck on a peer that does not read
                self->wake_.cancel();
            });
            return false;
        }
        queued_bytes_ += payload->size();
        queue_.push_back(Outgoing{opcode, std::move(payload), std::nullopt});
    }
    wake(true);
    return true;
}

void Session::close(CloseCode code, std::string reason)
{
    queue_close(CloseBody{static_cast<std::uint16_t>(code), std::move(reason)}, true);
}

void Session::queue_close(CloseBody body, bool from_other_thread)
{
    {
        std::lock_guard lock(mutex_);
        if (close_queued_)
            return;
        close_queued_ = true;
        queue_.push_back(Outgoing{Opcode::close, nullptr, std::move(body)});
    }
    wake(from_other_thread);
}

}  // namespace layer7::http::websocket
