// Experiment 4, `p2p-vs-client-server`: the textbook's §2.5.1. A file of F bits goes to N peers:
// from layer7's HTTP server behind an access link that uploads at u_s (client-server), and from a
// layer7 seed capped at u_s to N layer7 peers each capped at u_i, introduced by layer7's tracker
// (P2P). The distribution time, from the N downloads' start until the last copy is whole, against
// the two lower bounds.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <stdexcept>

#include "core/net/signal.hpp"
#include "http/server/service.hpp"
#include "lab/experiment.hpp"
#include "lab/http_exchange.hpp"
#include "lab/relay.hpp"
#include "lab/stats.hpp"
#include "lab/torrent_summary.hpp"
#include "lab/transcript.hpp"
#include "torrent/peer_service.hpp"
#include "torrent/torrent_file.hpp"
#include "torrent/tracker_service.hpp"

namespace layer7::lab {

namespace {

using asio::ip::tcp;
using core::use_tuple;
namespace fs = std::filesystem;

// One block a piece: a peer can pass a piece on as soon as that block is in and checked, which is
// as near as BitTorrent gets to the bound's fluid model (a bit forwarded as it arrives).
constexpr std::uint64_t piece_bytes = 16 * 1024;
// u_i = u_s / 10, the ratio of the textbook's Figure 2.23.
constexpr double peer_share = 0.1;
// Requests in flight per connection. Loopback has no round trip to fill, and a deep queue at a
// peer that uploads at u_i holds blocks that the seed or a less busy peer would send sooner
// (layer7's default of 64 is for real paths, where the requests must cover a round trip).
constexpr std::size_t pipeline = 4;
const char* const file_name = "file.bin";

// Whom the peers upload to: BitTorrent's tit-for-tat as layer7 runs it by default (4 slots for
// the peers that give the most, one optimistic), or no choking at all, every interested peer
// unchoked, as the bound's fluid model has it.
struct Choking {
    const char* label;
    bool tit_for_tat;
};
constexpr Choking chokings[] = {{"P2P", true}, {"P2P, no choking", false}};

torrent::ChokerConfig choker_for(const Choking& choking)
{
    torrent::ChokerConfig config;
    if (!choking.tit_for_tat)
        config.regular_slots = std::numeric_limits<std::size_t>::max();
    return config;
}

// The textbook's lower bounds in seconds, with d_min = ∞ (downloads are not capped here).
double client_server_bound(double n, double f_bits, double us)
{
    return n * f_bits / us;
}
double p2p_bound(double n, double f_bits, double us, double ui)
{
    return std::max(f_bits / us, n * f_bits / (us + n * ui));
}

double seconds_between(Time start, Time end)
{
    return std::chrono::duration<double>(end - start).count();
}

// A port free now, for a listener that opens later but that a relay must know first.
std::uint16_t free_port(asio::io_context& io)
{
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return probe.local_endpoint().port();
}

// One HTTP download of the file; `last` becomes the latest time a copy was whole.
core::awaitable<void> download(tcp::endpoint server, const std::string& expected, Time& last)
{
    auto c = co_await connect_http(server);
    const std::vector<std::string> target{std::string("/") + file_name};
    if ((co_await c->get(target, false)).front() != expected)
        throw std::runtime_error("an HTTP copy of the file differs from it");
    last = std::max(last, Clock::now());
}

// Runs `peer`; one that fails (its folder, its listening socket) ends the swarm's run at once.
core::awaitable<void> run_or_give_up(torrent::Peer& peer, asio::steady_timer& deadline)
{
    co_await peer.run();
    if (peer.status() != 0)
        deadline.cancel();
}

// Waits until every peer is complete (`deadline` cancelled), one fails or the deadline passes,
// then stops them all.
core::awaitable<void> stop_when_done(asio::steady_timer& deadline, const std::size_t& complete, std::size_t n,
                                     std::vector<std::unique_ptr<torrent::Peer>>& peers)
{
    if (complete < n)
        co_await deadline.async_wait(use_tuple);
    for (auto& p : peers)
        p->stop();
}

class P2pDistribution : public Experiment {
public:
    std::string_view name() const override { return "p2p-vs-client-server"; }
    std::string_view title() const override { return "Distribution time against N: P2P and client-server"; }

    void start(core::Runtime& servers, const Settings& s) override
    {
        std::mt19937_64 random(s.seed);
        data_.resize(s.quick ? 1u << 20 : 2u << 20);
        for (auto& c : data_)
            c = static_cast<char>(random());
        seed_dir_ = fs::path(s.work_dir) / "seed";
        peers_dir_ = fs::path(s.work_dir) / "peers";
        fs::create_directories(seed_dir_);
        std::ofstream(seed_dir_ / file_name, std::ios::binary) << data_;

        http::ServerConfig site;
        site.root = seed_dir_.string();
        site.data_dir = s.work_dir;
        site.h2 = false;
        site.site.gzip = false;
        http_at_ = start_http(servers, site, http_);

        torrent::TrackerConfig tracker;
        tracker.listen = core::HostPort{"127.0.0.1", 0};
        tracker.udp = false;
        tracker_ = torrent::make_tracker_service(tracker);
        tracker_at_ =
            tcp::endpoint(asio::ip::make_address("127.0.0.1"), row_port(tracker_->start(servers).at(0).address));
    }

    core::awaitable<Report> measure(asio::io_context& io, const Settings& s) override;

private:
    // One swarm's run: its distribution time, and who sent the piece data.
    struct Swarm {
        double seconds = 0;
        std::uint64_t from_seed = 0, from_peers = 0;
    };

    // Where the seed listens, and the relay in front of it that the tracker names.
    struct SeedPorts {
        std::uint16_t listen = 0, announced = 0;
    };

    core::awaitable<double> client_server(tcp::endpoint relay, std::size_t n);
    core::awaitable<Swarm> p2p(asio::io_context& io, std::size_t n, const Choking& choking, const torrent::Peer& seed);
    core::awaitable<void> transcripts(asio::io_context& io, const torrent::Peer& seed, Path& tracker_link,
                                      Path& seed_link, Report& r);
    core::awaitable<void> sweep_client_server(const Settings& s, tcp::endpoint relay, Report& r, Chart& chart);
    core::awaitable<void> sweep_p2p(asio::io_context& io, const Settings& s, const Choking& choking,
                                    const torrent::Peer& seed, Report& r, Chart& chart);
    core::awaitable<void> with_seed(asio::io_context& io, const Settings& s, const Choking& choking, SeedPorts ports,
                                    Path* tracker_link, Path* seed_link, Report& r, Chart& chart);
    double f_bits() const { return static_cast<double>(data_.size()) * 8; }

    std::string data_;  // the file
    fs::path seed_dir_, peers_dir_;
    std::unique_ptr<core::Service> http_, tracker_;
    tcp::endpoint http_at_, tracker_at_;
    torrent::Metainfo meta_;
    double us_ = 0, ui_ = 0;  // upload rates, bit/s
    std::vector<double> ns_;
};

core::awaitable<double> P2pDistribution::client_server(tcp::endpoint relay, std::size_t n)
{
    const Time start = Clock::now();
    Time last = start;
    std::vector<core::awaitable<void>> downloads;
    for (std::size_t i = 0; i < n; ++i)
        downloads.push_back(download(relay, data_, last));
    co_await all_of(std::move(downloads));
    co_return seconds_between(start, last);
}

// N new peers, each in a folder of its own, join the seed's swarm at once. They stay and upload
// once complete, as the textbook's peers do, and all leave when the last one is complete.
core::awaitable<P2pDistribution::Swarm> P2pDistribution::p2p(asio::io_context& io, std::size_t n,
                                                             const Choking& choking, const torrent::Peer& seed)
{
    std::error_code ignored;
    fs::remove_all(peers_dir_, ignored);
    const double give_up_s = 10 * p2p_bound(static_cast<double>(n), f_bits(), us_, ui_) + 30;
    asio::steady_timer deadline(
        io, Clock::now() + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(give_up_s)));
    std::size_t complete = 0;
    Time last{};
    std::vector<std::unique_ptr<torrent::Peer>> peers;
    for (std::size_t i = 0; i < n; ++i) {
        torrent::PeerOptions o;
        o.dir = (peers_dir_ / ("peer-" + std::to_string(i + 1))).string();
        fs::create_directories(o.dir);
        o.keep_seeding = true;
        o.choker = choker_for(choking);
        o.upload_rate = ui_ / 8;
        o.pipeline = pipeline;
        o.picker.endgame_requesters = n + 1;  // BEP 3's endgame: every peer that has the block, seed included
        o.progress = o.notes = false;
        o.encryption = torrent::Encryption::off;  // the experiment is the textbook's: no MSE round trips
        o.on_complete = [&complete, &last, &deadline, n] {
            last = Clock::now();
            if (++complete == n)
                deadline.cancel();
        };
        peers.push_back(std::make_unique<torrent::Peer>(io, meta_, std::move(o)));
    }
    const Time start = Clock::now();
    const std::uint64_t seed_before = seed.uploaded();
    std::vector<core::awaitable<void>> tasks;
    for (auto& p : peers)
        tasks.push_back(run_or_give_up(*p, deadline));
    tasks.push_back(stop_when_done(deadline, complete, n, peers));
    co_await all_of(std::move(tasks));
    fs::remove_all(peers_dir_, ignored);
    for (const auto& p : peers)
        if (p->status() != 0)
            throw std::runtime_error("a peer could not start (its message is above)");
    if (complete < n)
        throw std::runtime_error(std::to_string(complete) + " of " + std::to_string(n) +
                                 " peers had the whole file by the deadline");
    Swarm result{seconds_between(start, last), seed.uploaded() - seed_before, 0};
    for (const auto& p : peers)
        result.from_peers += p->uploaded();
    co_return result;
}

// One swarm of two, watched: every announce on the tracker's link, and the first peer's dialogue
// with the seed on the seed's.
core::awaitable<void> P2pDistribution::transcripts(asio::io_context& io, const torrent::Peer& seed, Path& tracker_link,
                                                   Path& seed_link, Report& r)
{
    Transcript announces(120), wire(60);
    std::map<std::pair<std::uint64_t, bool>, WireLines> decoders;
    std::optional<std::uint64_t> first;
    const Time start = Clock::now();
    tracker_link.tap = [&](Time at, std::uint64_t c, bool from_client, std::string_view bytes) {
        announces.add(ms_between(start, at), c, from_client, announce_text(bytes, from_client));
    };
    seed_link.tap = [&](Time at, std::uint64_t c, bool from_client, std::string_view bytes) {
        if (!first)
            first = c;
        if (c == *first)
            for (const auto& line : decoders[{c, from_client}].feed(bytes))
                wire.add(ms_between(start, at), c, from_client, line);
    };
    co_await p2p(io, 2, chokings[0], seed);
    tracker_link.tap = nullptr;
    seed_link.tap = nullptr;
    r.steps.push_back(
        {"P2P, N = 2: the peers' announces to the tracker (started, completed, stopped)", announces.text()});
    r.steps.push_back(
        {"P2P, N = 2: the first peer and the seed (handshake, bitfield, interested, unchoke, requests, "
         "pieces)",
         wire.text()});
}

core::awaitable<void> P2pDistribution::sweep_client_server(const Settings& s, tcp::endpoint relay, Report& r,
                                                           Chart& chart)
{
    Series measured{"client-server", {}, false}, bound{"client-server (lower bound)", {}, true};
    for (double n : ns_) {
        Sample a;
        do
            a.add(co_await client_server(relay, static_cast<std::size_t>(n)));
        while (!a.done(s.min_runs, s.max_runs));
        const double formula = client_server_bound(n, f_bits(), us_);
        r.rows.push_back({"client-server", n, a.mean(), a.half_width(), formula, a.size()});
        measured.points.push_back({n, a.mean(), a.half_width()});
        bound.points.push_back({n, formula, 0});
    }
    chart.series.push_back(std::move(measured));
    chart.series.push_back(std::move(bound));
}

core::awaitable<void> P2pDistribution::sweep_p2p(asio::io_context& io, const Settings& s, const Choking& choking,
                                                 const torrent::Peer& seed, Report& r, Chart& chart)
{
    Series measured{choking.label, {}, false}, bound{std::string(choking.label) + " (lower bound)", {}, true};
    std::string seed_share;
    for (double n : ns_) {
        Sample b;
        double from_seed = 0, sent = 0;
        do {
            const Swarm run = co_await p2p(io, static_cast<std::size_t>(n), choking, seed);
            b.add(run.seconds);
            from_seed += static_cast<double>(run.from_seed);
            sent += static_cast<double>(run.from_seed + run.from_peers);
        } while (!b.done(s.min_runs, s.max_runs));
        const double formula = p2p_bound(n, f_bits(), us_, ui_);
        r.rows.push_back({choking.label, n, b.mean(), b.half_width(), formula, b.size()});
        measured.points.push_back({n, b.mean(), b.half_width()});
        bound.points.push_back({n, formula, 0});
        char text[96];
        std::snprintf(text, sizeof text, "%sN = %.0f: %.0f %% (%.2f·N·F sent)", seed_share.empty() ? "" : "; ", n,
                      100 * from_seed / sent, sent * 8 / f_bits() / n / static_cast<double>(b.size()));
        seed_share += text;
    }
    chart.series.push_back(std::move(measured));
    if (choking.tit_for_tat)  // the same bound for both: drawn once
        chart.series.push_back(std::move(bound));
    r.parameters.emplace_back(std::string(choking.label) +
                                  ": the seed's share of the piece data sent (all piece "
                                  "data sent, duplicates included)",
                              seed_share);
}

// Runs the P2P sweep for `choking` with a seed of its own, the case's server, which stays for
// every run of the sweep as the HTTP server does; the swarm of the first also gives the
// transcripts when the links are given.
core::awaitable<void> P2pDistribution::with_seed(asio::io_context& io, const Settings& s, const Choking& choking,
                                                 SeedPorts ports, Path* tracker_link, Path* seed_link, Report& r,
                                                 Chart& chart)
{
    bool announced = false, seed_ended = false;
    asio::steady_timer seed_ready(io, Clock::now() + std::chrono::seconds(10));
    const asio::any_io_executor executor = co_await asio::this_coro::executor;
    core::Signal seed_gone(executor);
    torrent::PeerOptions o;
    o.dir = seed_dir_.string();
    o.seed = true;
    o.listen = core::HostPort{"127.0.0.1", ports.listen};
    o.announce_port = ports.announced;
    o.upload_rate = us_ / 8;
    o.choker = choker_for(choking);
    o.progress = o.notes = false;
    o.encryption = torrent::Encryption::off;
    o.on_announced = [&] {
        announced = true;
        seed_ready.cancel();
    };
    torrent::Peer seed(io, meta_, std::move(o));
    asio::co_spawn(io, seed.run(), [&](std::exception_ptr) {
        seed_ended = true;
        seed_ready.cancel();
        seed_gone.notify();
    });
    std::exception_ptr failure;
    try {
        co_await seed_ready.async_wait(use_tuple);
        if (!announced)
            throw std::runtime_error("the seed did not reach the tracker");
        if (tracker_link && seed_link)
            co_await transcripts(io, seed, *tracker_link, *seed_link, r);
        co_await sweep_p2p(io, s, choking, seed, r, chart);
    } catch (...) {
        failure = std::current_exception();
    }
    // It leaves the swarm ("stopped") before the next seed joins it.
    seed.stop();
    if (!seed_ended)
        co_await seed_gone.wait();
    if (failure)
        std::rethrow_exception(failure);
}

core::awaitable<Report> P2pDistribution::measure(asio::io_context& io, const Settings& s)
{
    us_ = s.rate_mbps.value_or(20) * 1e6;
    ui_ = us_ * peer_share;
    ns_ = s.quick ? std::vector<double>{2, 4} : std::vector<double>{1, 2, 4, 8, 16};
    const tcp::endpoint any(asio::ip::make_address("127.0.0.1"), 0);

    // Client-server: the server's access link uploads at u_s, shared by every download.
    LinkSpec access;
    access.rate_bps = us_;
    auto access_link = std::make_shared<Path>(LinkSpec{}, access, s.seed);
    TcpRelay http_relay(io, any, http_at_, access_link);
    // P2P: no link is emulated, each peer caps its own upload. The tracker and the seed sit behind
    // relays without delay or rate only so that the transcripts can see their bytes.
    auto tracker_link = std::make_shared<Path>(LinkSpec{}, LinkSpec{}, s.seed);
    TcpRelay tracker_relay(io, any, tracker_at_, tracker_link);
    auto seed_link = std::make_shared<Path>(LinkSpec{}, LinkSpec{}, s.seed);
    const std::uint16_t seed_port = free_port(io);
    TcpRelay seed_relay(io, any, tcp::endpoint(asio::ip::make_address("127.0.0.1"), seed_port), seed_link);

    torrent::MakeOptions make;
    make.trackers = {"http://127.0.0.1:" + std::to_string(tracker_relay.local().port()) + "/announce"};
    make.piece_length = piece_bytes;
    auto meta = torrent::make_torrent((seed_dir_ / file_name).string(), make);
    if (!meta)
        throw std::runtime_error(meta.error());
    meta_ = std::move(meta).value();

    Report r = new_report(*this);
    Chart chart{"Time to give N peers a copy of the file", "N (peers)", "distribution time (s)", {}};
    co_await sweep_client_server(s, http_relay.local(), r, chart);
    const SeedPorts ports{seed_port, seed_relay.local().port()};
    co_await with_seed(io, s, chokings[0], ports, tracker_link.get(), seed_link.get(), r, chart);
    // At N ≤ 4 every peer is unchoked anyway (4 slots and an optimistic one): the quick run skips it.
    if (!s.quick)
        co_await with_seed(io, s, chokings[1], ports, nullptr, nullptr, r, chart);
    r.charts.push_back(std::move(chart));

    char text[512];
    r.emulator =
        "No link emulator for P2P: each peer caps its own upload (layer7 torrent --upload-rate, a token bucket one "
        "block deep shared by all of the peer's connections and charged with the piece data it sends), and the "
        "peers, the seed and the tracker talk over loopback. Client-server: the HTTP server's access link is the "
        "lab's relay, whose transmitter sends at u_s to all downloads together. " +
        emulator_note();
    std::snprintf(text, sizeof text,
                  "A file of F = %.3g Mbit goes to N peers. Client-server: layer7's HTTP server sends each of N "
                  "concurrent downloads a copy over an access link that uploads at u_s = %.3g Mbit/s. P2P: a layer7 "
                  "seed that uploads at u_s, and N layer7 peers that upload at u_i = %.3g Mbit/s each, find each "
                  "other through layer7's tracker and swap pieces, rarest first.",
                  f_bits() / 1e6, us_ / 1e6, ui_ / 1e6);
    r.paragraphs = {
        text,
        "Bounds (Kurose & Ross §2.5.1): client-server D_cs ≥ max(N·F/u_s, F/d_min), since the server must upload N "
        "copies; P2P D_p2p ≥ max(F/u_s, F/d_min, N·F/(u_s + Σu_i)), since the seed must upload one copy and the "
        "swarm's whole upload capacity must carry N. Downloads are not capped here, so d_min = ∞ and the F/d_min "
        "terms drop out. Client-server grows linearly with N; P2P levels off, because each new peer brings upload "
        "capacity as well as demand.",
        "The distribution time runs from when the N downloads start until the last peer holds the whole file "
        "(for P2P, every piece checked against its SHA-1 by the peer). Each P2P run brings N new peers (new "
        "folders, new peer ids) into the swarm of the one seed; they keep uploading once complete, as the "
        "textbook's peers do, and all leave when the last one is done.",
        "P2P runs with BitTorrent's tit-for-tat as layer7's peers do by default: each peer, and the seed, "
        "uploads to the four peers that give it the most (the seed: that it sends the most) and one more chosen "
        "at random. In a full run it runs again with no choking, every interested peer unchoked, as the bound's "
        "fluid model assumes; at N ≤ 4 the two are the same, since four slots and the optimistic one already "
        "reach everyone.",
        "Why P2P sits above its bound: a peer can pass a piece on only once it has the whole piece and has "
        "checked it; at first only the seed has anything to give; at the end the last blocks are asked of "
        "several peers at once (endgame), so a few are sent twice. With tit-for-tat and many peers, the five the "
        "seed unchokes get its fresh pieces and trade them among themselves, while the rest wait for an "
        "optimistic unchoke with little to offer and their upload capacity idle: the peers' total upload, and "
        "with it the swarm's rate, falls short of u_s + Σu_i, which no choking recovers. Client-server sits on "
        "its bound: the access link is busy from the first byte to the last."};
    r.x_name = "N";
    r.y_unit = "s";

    std::snprintf(text, sizeof text, "%.3g Mbit (%zu bytes) in %zu pieces of %llu KiB", f_bits() / 1e6, data_.size(),
                  meta_.piece_count(), static_cast<unsigned long long>(piece_bytes / 1024));
    r.parameters.emplace(r.parameters.begin(), "file F", text);
    std::snprintf(text, sizeof text, "%.3g Mbit/s (the HTTP server's access link; the seed's upload cap)", us_ / 1e6);
    r.parameters.emplace(r.parameters.begin() + 1, "server upload u_s", text);
    std::snprintf(text, sizeof text, "%.3g Mbit/s each (u_s/10, as in the textbook's Figure 2.23)", ui_ / 1e6);
    r.parameters.emplace(r.parameters.begin() + 2, "peer upload u_i", text);
    r.parameters.emplace(r.parameters.begin() + 3, "download d_i", "not capped (loopback): d_min = ∞");
    r.parameters.emplace(r.parameters.begin() + 4, "N (peers)", sweep_text(ns_));
    r.parameters.emplace_back("peers once complete", "stay and upload until the last one is complete, then all leave");
    std::snprintf(text, sizeof text,
                  "P2P: 4 unchoke slots + 1 optimistic, rechoke every 10 s (layer7's defaults); P2P, no choking: "
                  "every interested peer unchoked; rarest first; %zu requests in flight per connection (loopback: "
                  "no round trip to cover); endgame asks every peer that has a block (BEP 3), not just two",
                  pipeline);
    r.parameters.emplace_back("peer settings", text);
    r.parameters.emplace_back("RTT, loss", "none (loopback; the bounds have no delay term)");
    add_run_parameters(r, s);  // the seed makes the file's bytes
    co_return r;
}

}  // namespace

std::unique_ptr<Experiment> make_p2p_vs_client_server()
{
    return std::make_unique<P2pDistribution>();
}

}  // namespace layer7::lab
