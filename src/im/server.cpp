// The index's connection shell: reads lines with the shared LineReader (limits and the idle
// timeout from [im]), runs them through the pure IndexSession under the index's one lock, and
// hands replies and presence pushes to the outboxes of the sessions concerned, on any worker.
#include "im/server.hpp"

#include <spdlog/spdlog.h>

#include "core/net/line_reader.hpp"
#include "im/index_codec.hpp"
#include "im/outbox.hpp"

namespace layer7::im {

using namespace asio::experimental::awaitable_operators;

Index::Index(const Config& config) : config_(config), directory_(config.max_users) {}

SessionId Index::attach(std::shared_ptr<Outbox> outbox)
{
    std::lock_guard lock(mutex_);
    const SessionId id = next_id_++;
    outboxes_.emplace(id, std::move(outbox));
    return id;
}

void Index::detach(SessionId id)
{
    std::lock_guard lock(mutex_);
    outboxes_.erase(id);
}

void Index::deliver(SessionId self, IndexStep& step)
{
    auto own = outboxes_.find(self);
    if (own != outboxes_.end() && !step.wire.empty())
        own->second->push(std::move(step.wire));
    for (auto& delivery : step.pushes) {
        auto it = outboxes_.find(delivery.to);
        if (it != outboxes_.end() && !it->second->push(std::move(delivery.line)))
            spdlog::warn("im: session {} reads its pushes too slowly; dropping it", delivery.to);
    }
}

std::size_t Index::online() const
{
    std::lock_guard lock(mutex_);
    return directory_.size();
}

namespace {

core::awaitable<void> read_commands(core::Stream& stream, Index& index, IndexSession& session, SessionId id,
                                    Outbox& outbox)
{
    core::LineReader reader(stream, index.config().limits.max_line);
    for (;;) {
        const core::ReadLine line = co_await reader.read_line(core::LineReader::Wait::for_command);
        IndexStep step;
        if (line.status == core::ReadStatus::line || line.status == core::ReadStatus::too_long) {
            step = index.locked([&] {
                auto s =
                    line.status == core::ReadStatus::line ? session.on_line(line.text) : session.on_line_too_long();
                index.deliver(id, s);
                return s;
            });
            if (line.status == core::ReadStatus::too_long)
                spdlog::info("im: {} sent a line over {} bytes", stream.peer_string(), index.config().limits.max_line);
            if (!step.close)
                continue;
            if (line.status != core::ReadStatus::line || split_command(line.text).verb != "QUIT")
                spdlog::info("im: {} made too many errors; closing", stream.peer_string());
        } else if (line.status == core::ReadStatus::timed_out) {
            spdlog::info("im: {} idle for {}s; closing", stream.peer_string(),
                         index.config().limits.idle_timeout.count());
            outbox.push(IndexSession::idle_timeout());
        } else if (stream.draining()) {
            outbox.push(IndexSession::shutting_down());
        }
        break;
    }
    const std::string name = session.name();
    const bool stopping = stream.draining();
    index.locked([&] {
        IndexStep end = session.on_end();
        if (stopping)  // the index goes away, not the user: presence is unknown from now on, not "offline"
            end.pushes.clear();
        index.deliver(id, end);
        return 0;
    });
    if (!name.empty())
        spdlog::info("im: {} offline ({})", name, stream.peer_string());
    outbox.close();
}

}  // namespace

core::awaitable<void> serve_connection(core::TcpSocket socket, asio::ip::tcp::endpoint peer, Index& index)
{
    core::Stream stream(std::move(socket), core::Role::server, peer);
    stream.set_timeout(index.config().limits.idle_timeout);
    auto outbox = std::make_shared<Outbox>(co_await asio::this_coro::executor, index.config().max_outbox);
    const SessionId id = index.attach(outbox);
    IndexSession session(index.directory(), id, index.config().policy, peer.address().to_string());
    outbox->push(session.greeting());
    co_await (read_commands(stream, index, session, id, *outbox) && drain(stream, *outbox));
    index.detach(id);
    co_await stream.shutdown();
}

}  // namespace layer7::im
