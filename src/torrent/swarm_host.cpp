// The host: see swarm_host.hpp. A connection is one coroutine in the host's tasks until its torrent
// is known (accepted) or in the torrent's tasks from the dial (dialled); once admitted, its reader and
// writer run in the torrent's tasks, so a torrent that waits for its tasks has no connection left.
#include "torrent/swarm_host.hpp"

#include <iostream>
#include <random>

#include "core/net/resolve.hpp"
#include "http/client/fetch.hpp"
#include "http/message/target.hpp"
#include "torrent/incoming_route.hpp"

namespace layer7::torrent {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace hc = http::client;

constexpr auto handshake_timeout = 20s;
constexpr auto handshake_deadline = 30s;  // the whole start, MSE included
constexpr auto idle_timeout = 150s;       // BEP 3: keep-alives come every two minutes
constexpr auto keep_alive_every = 90s;
constexpr auto connect_timeout = 10s;
constexpr std::size_t read_chunk = 64 * 1024;

std::string new_peer_id()
{
    std::mt19937_64 random(std::random_device{}());
    std::string id = "-L70001-";
    static constexpr char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    while (id.size() < 20)
        id += alphabet[random() % 36];
    return id;
}

}  // namespace

struct SwarmHost::Admitted {
    SwarmTorrent* torrent;
    std::shared_ptr<Conversation> conversation;
    WireDecoder decoder;  // the peer's bytes after its handshake
};

// ---- TaskGroup ----

void TaskGroup::spawn(core::awaitable<void> task)
{
    ++running_;
    asio::co_spawn(io_, std::move(task), [this](std::exception_ptr) {
        if (--running_ == 0)
            all_ended_.notify();
    });
}

core::awaitable<void> TaskGroup::wait()
{
    while (running_ > 0)
        co_await all_ended_.wait();
}

// ---- Link ----

Link::Link(asio::ip::tcp::socket socket, core::Role role, bool notes)
    : stream_(std::make_unique<core::Stream>(std::move(socket), role)), address_(stream_->peer_string()), notes_(notes),
      wake_(stream_->socket().get_executor())
{
}

void Link::send(const Message& m, std::string_view trace)
{
    if (core::Trace::instance().enabled())
        core::Trace::instance().line(stream_->id(), stream_->us(), trace.empty() ? describe(m) : std::string(trace));
    out_ += encode(m);
    wake_.cancel();
}

void Link::drop(std::string_view why)
{
    if (closing_)
        return;
    if (notes_)
        std::cerr << "layer7: dropping peer " << address_ << ": " << why << "\n";
    close();
}

void Link::close()
{
    closing_ = true;
    std::error_code ignored;
    stream_->socket().close(ignored);
    wake_.cancel();
    if (paused_)
        paused_->cancel();
}

// ---- SwarmHost ----

SwarmHost::SwarmHost(asio::io_context& io, HostOptions options)
    : io_(io), options_(std::move(options)), peer_id_(new_peer_id()), upload_cap_(options_.upload_rate, block_size),
      download_cap_(options_.download_rate, block_size), acceptor_(io), tasks_(io)
{
}

bool SwarmHost::open(std::string& error)
{
    auto endpoint = core::tcp_endpoint(options_.listen);
    if (!endpoint) {
        error = "not an IP address";
        return false;
    }
    if (const std::error_code ec = core::listen_on(acceptor_, *endpoint, 64)) {
        error = ec.message();
        return false;
    }
    port_ = acceptor_.local_endpoint().port();
    tasks_.spawn(accept_loop());
    return true;
}

void SwarmHost::add(SwarmTorrent& torrent)
{
    torrents_[torrent.info_hash()] = &torrent;
}

void SwarmHost::remove(SwarmTorrent& torrent)
{
    torrents_.erase(torrent.info_hash());
    for (auto& [link, owner] : links_)
        if (owner == &torrent)
            link->close();
}

bool SwarmHost::serves(const SwarmTorrent& torrent) const
{
    auto it = torrents_.find(torrent.info_hash());
    return it != torrents_.end() && it->second == &torrent;
}

bool SwarmHost::is_us(const TrackerPeer& p) const
{
    return (p.port == port_ || p.port == announced_port()) && (p.ip == "127.0.0.1" || p.ip == options_.listen.host);
}

void SwarmHost::close()
{
    closed_ = true;
    std::error_code ignored;
    acceptor_.close(ignored);
    for (auto& [link, owner] : links_)
        link->close();
}

core::awaitable<std::optional<AnnounceReply>> SwarmHost::announce(const std::string& tracker, const InfoHash& hash,
                                                                  const AnnounceState& state)
{
    std::string url = tracker;
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += "info_hash=" + http::percent_encode(hash.raw(), "") + "&peer_id=" + http::percent_encode(peer_id_, "") +
           "&port=" + std::to_string(announced_port()) + "&uploaded=" + std::to_string(state.uploaded) +
           "&downloaded=" + std::to_string(state.downloaded) + "&left=" + std::to_string(state.left) +
           "&compact=1&numwant=50";
    if (!state.event.empty())
        url += "&event=" + std::string(state.event);
    hc::Options client_options;
    client_options.connect_timeout = 10s;
    client_options.io_timeout = 15s;
    hc::Client client(client_options);
    http::Request request;
    request.method = http::Method(http::MethodId::get);
    request.fields.add("User-Agent", "layer7/0.1");
    auto result = co_await hc::fetch(client, url, request, std::string(), hc::FetchOptions{});
    if (!result) {
        std::cerr << "layer7: tracker " << tracker << ": " << hc::describe(result.error().error) << " "
                  << result.error().detail << "\n";
        co_return std::nullopt;
    }
    auto reply = parse_announce_reply(result->last.body);
    if (!reply) {
        std::cerr << "layer7: tracker " << tracker << ": " << reply.error() << "\n";
        co_return std::nullopt;
    }
    co_return std::move(reply).value();
}

// ---- connections ----

core::awaitable<void> SwarmHost::accept_loop()
{
    while (!closed_) {
        auto [ec, socket] = co_await acceptor_.async_accept(core::use_tuple);
        if (ec)
            co_return;
        tasks_.spawn(serve_accepted(std::move(socket)));
    }
}

core::awaitable<void> SwarmHost::serve_accepted(asio::ip::tcp::socket socket)
{
    auto link = std::make_shared<Link>(std::move(socket), core::Role::server, options_.notes);
    if (closed_)
        co_return;
    // Known to close() meanwhile, so a stop closes it even in the middle of the handshake. No guard
    // object: an io_context torn down mid-run destroys this frame, maybe after the host.
    links_[link.get()] = nullptr;
    auto admitted = co_await start(link, nullptr, false, nullptr);
    if (!admitted) {
        links_.erase(link.get());
        co_return;
    }
    // From here the connection is the torrent's, which waits for it before it goes.
    TaskGroup& tasks = admitted->torrent->tasks();
    tasks.spawn(talk(link, std::move(admitted->conversation), std::move(admitted->decoder), tasks));
}

core::awaitable<void> SwarmHost::dial(core::HostPort peer, SwarmTorrent& torrent)
{
    bool mse_failed = false;
    {
        auto [ec, socket] = co_await core::connect_tcp(peer, connect_timeout);
        if (ec || !serves(torrent))
            co_return;
        co_await serve_dialled(std::move(socket), torrent, options_.encryption != Encryption::off, mse_failed);
    }
    if (mse_failed && options_.encryption == Encryption::prefer && serves(torrent)) {
        // Like aria2: a peer that does not speak MSE gets the plain handshake on a new connection.
        auto [ec, socket] = co_await core::connect_tcp(peer, connect_timeout);
        if (!ec && serves(torrent))
            co_await serve_dialled(std::move(socket), torrent, false, mse_failed);
    }
}

core::awaitable<void> SwarmHost::serve_dialled(asio::ip::tcp::socket socket, SwarmTorrent& torrent, bool dial_mse,
                                               bool& mse_failed)
{
    auto link = std::make_shared<Link>(std::move(socket), core::Role::client, options_.notes);
    links_[link.get()] = &torrent;
    auto admitted = co_await start(link, &torrent, dial_mse, &mse_failed);
    if (admitted)
        co_await talk(link, std::move(admitted->conversation), std::move(admitted->decoder), torrent.tasks());
    else
        links_.erase(link.get());
}

std::string SwarmHost::our_handshake(const InfoHash& hash, core::Stream& stream) const
{
    Handshake ours;
    ours.info_hash = hash;
    ours.peer_id = peer_id_;
    ours.set_extensions();
    core::Trace::instance().line(stream.id(), stream.us(), describe(ours));
    return encode_handshake(ours);
}

// The link's start and both handshakes. `torrent`: the one we dialled for; null when we accepted,
// and the peer's handshake names it.
core::awaitable<std::optional<SwarmHost::Admitted>> SwarmHost::start(std::shared_ptr<Link> link, SwarmTorrent* torrent,
                                                                     bool dial_mse, bool* mse_failed)
{
    core::Stream& stream = link->stream();
    stream.set_timeout(handshake_timeout);
    // MSE or the plain handshake: what came of the peer's handshake is in opened.received.
    LinkPlan plan;
    plan.encryption = options_.encryption;
    plan.dial_mse = dial_mse;
    plan.deadline = handshake_deadline;
    if (torrent) {
        plan.info_hash = torrent->info_hash();
        plan.our_handshake = our_handshake(plan.info_hash, stream);
    } else {
        for (const auto& [hash, t] : torrents_)
            plan.serving.push_back(hash);
    }
    const LinkOpened opened = co_await open_link(stream, link->cipher_, plan);
    if (!opened.ok) {
        const bool fall_back = opened.mse_failed && mse_failed && options_.encryption == Encryption::prefer;
        if (fall_back)
            *mse_failed = true;
        if (options_.notes)
            std::cerr << "layer7: " << (fall_back ? "peer " : "dropping peer ") << link->address() << ": " << opened.why
                      << (fall_back ? "; trying the plain handshake\n" : "\n");
        co_return std::nullopt;
    }
    core::Trace::instance().note(stream.id(), "link: " + opened.method);
    WireDecoder decoder;
    decoder.feed(opened.received);
    std::string buffer(read_chunk, '\0');
    std::optional<Handshake> theirs;
    for (;;) {
        auto h = decoder.handshake();
        if (!h) {
            link->drop(to_string(h.error()));
            co_return std::nullopt;
        }
        if (*h) {
            theirs = *h;
            break;
        }
        auto [ec, n] = co_await stream.read_some(asio::buffer(buffer));
        if (ec || n == 0)
            co_return std::nullopt;
        link->cipher_.on_receive(buffer.data(), n);
        decoder.feed(std::string_view(buffer.data(), n));
    }
    core::Trace::instance().line(stream.id(), stream.them(), describe(*theirs));
    if (torrent) {
        if (theirs->info_hash != torrent->info_hash()) {
            link->drop("wrong info-hash " + theirs->info_hash.hex());
            co_return std::nullopt;
        }
    } else {
        auto route =
            route_incoming(theirs->info_hash, opened.skey, [this](const InfoHash& h) { return torrents_.contains(h); });
        if (!route) {
            link->drop(route.error());
            co_return std::nullopt;
        }
        std::string ours = our_handshake(*route, stream);
        link->cipher_.on_send(ours);
        if (co_await stream.write(ours, false))
            co_return std::nullopt;
        // Looked up after the write: the torrent may have been removed (and gone) meanwhile.
        auto it = torrents_.find(*route);
        if (it == torrents_.end() || link->closing())
            co_return std::nullopt;
        torrent = it->second;
        links_[link.get()] = torrent;
    }
    auto conversation = torrent->admit(link, *theirs);
    if (!conversation) {
        link->close();
        co_return std::nullopt;
    }
    stream.set_timeout(idle_timeout);
    co_return Admitted{torrent, std::move(conversation), std::move(decoder)};
}

// The reader: the peer's messages, in order, to the conversation; the writer beside it.
core::awaitable<void> SwarmHost::talk(std::shared_ptr<Link> link, std::shared_ptr<Conversation> conversation,
                                      WireDecoder decoder, TaskGroup& tasks)
{
    tasks.spawn(write_loop(link, conversation));
    core::Stream& stream = link->stream();
    std::string buffer(read_chunk, '\0');
    std::string why;
    while (!link->closing() && why.empty()) {
        for (;;) {
            auto m = decoder.next();
            if (!m) {
                why = to_string(m.error());
                break;
            }
            if (!*m)
                break;
            conversation->on_message(**m, why);
            if (!why.empty() || link->closing())
                break;
        }
        if (!why.empty() || link->closing())
            break;
        if (auto until = conversation->read_after()) {
            // The download cap: this peer is not read again until what it sent is due. TCP's
            // window then slows the sender, as aria2c's --max-download-limit does.
            asio::steady_timer pause(stream.socket().get_executor(), *until);
            link->paused_ = &pause;
            co_await pause.async_wait(core::use_tuple);
            link->paused_ = nullptr;
        }
        auto [ec, n] = co_await stream.read_some(asio::buffer(buffer));
        if (ec || n == 0)
            break;
        link->cipher_.on_receive(buffer.data(), n);
        decoder.feed(std::string_view(buffer.data(), n));
    }
    if (!why.empty())
        link->drop(why);
    link->close();
    links_.erase(link.get());
    conversation->on_closed();
}

core::awaitable<void> SwarmHost::write_loop(std::shared_ptr<Link> link, std::shared_ptr<Conversation> conversation)
{
    core::Stream& stream = link->stream();
    while (!link->closing()) {
        const auto due = conversation->fill();
        if (link->closing())
            break;
        if (link->out_.empty()) {
            // Woken early by send() when the reader queues a message: ours go out while a block
            // waits for the cap.
            link->wake_.expires_at(due ? *due : Clock::now() + keep_alive_every);
            auto [ec] = co_await link->wake_.async_wait(core::use_tuple);
            if (!ec && !due && !link->closing() && link->out_.empty())
                link->send(Message{});  // keep-alive
            continue;
        }
        std::string sending = std::move(link->out_);
        link->out_.clear();
        link->cipher_.on_send(sending);
        if (co_await stream.write(sending, false)) {
            link->drop(stream.timed_out() ? "timed out" : "connection lost");
            break;
        }
    }
}

}  // namespace layer7::torrent
