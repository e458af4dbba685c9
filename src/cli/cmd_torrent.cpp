// `layer7 torrent make|info` (.torrent files) and `layer7 tracker serve` (HTTP + UDP tracker).
#include <cctype>
#include <ctime>
#include <iostream>
#include <tuple>

#include "cli/common.hpp"
#include "torrent/magnet.hpp"
#include "torrent/metadata_fetch.hpp"
#include "torrent/peer_service.hpp"
#include "torrent/sha1.hpp"
#include "torrent/torrent_file.hpp"
#include "torrent/tracker_service.hpp"

namespace layer7::cli {

namespace {

// "262144", "256K", "1M": bytes with an optional binary K/M suffix.
std::optional<std::uint64_t> parse_size(const std::string& text)
{
    std::uint64_t n = 0, unit = 1;
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9' && digits < 12)
        n = n * 10 + static_cast<std::uint64_t>(text[digits++] - '0');
    const std::string suffix = text.substr(digits);
    if (suffix == "K" || suffix == "k" || suffix == "KiB")
        unit = 1024;
    else if (suffix == "M" || suffix == "m" || suffix == "MiB")
        unit = 1024 * 1024;
    else if (!suffix.empty())
        return std::nullopt;
    if (digits == 0)
        return std::nullopt;
    return n * unit;
}

// "magnet:…", the scheme in any case (RFC 3986 §3.1).
bool is_magnet(std::string_view text)
{
    constexpr std::string_view scheme = "magnet:";
    if (text.size() < scheme.size())
        return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != scheme[i])
            return false;
    return true;
}

void print_info(const torrent::Metainfo& meta)
{
    const auto hash = torrent::info_hash_of(meta.info_bytes);
    std::cout << "name:         " << meta.name << "\n"
              << "size:         " << meta.total_length() << " bytes\n"
              << "files:        " << meta.files.size() << (meta.multi_file ? " (multi-file)" : "") << "\n";
    for (const auto& f : meta.files) {
        std::string path;
        for (const auto& c : f.path)
            path += (path.empty() ? "" : "/") + c;
        std::cout << "  " << f.length << "  " << (meta.multi_file ? meta.name + "/" : "") << path << "\n";
    }
    std::cout << "piece length: " << meta.piece_length << "\n"
              << "pieces:       " << meta.piece_count() << "\n"
              << "info-hash:    " << hash.hex() << "\n";
    for (const auto& t : meta.trackers())
        std::cout << "tracker:      " << t << "\n";
    if (meta.is_private)
        std::cout << "private:      yes\n";
    if (!meta.comment.empty())
        std::cout << "comment:      " << meta.comment << "\n";
    if (!meta.created_by.empty())
        std::cout << "created by:   " << meta.created_by << "\n";
    std::cout << "magnet:       " << torrent::to_uri({hash, meta.name, meta.trackers()}) << "\n";
}

// `torrent get F.torrent… [--dir D]` and `torrent seed F.torrent… --dir D`: the same peer, one
// exiting when the download is complete, the other serving until a signal. Several .torrent files
// share one listening port and the rate caps (torrent::run_peers).
void add_peer_commands(CLI::App& torrent_cmd, Globals& g)
{
    struct Peer {
        std::vector<std::string> files;
        std::string dir = ".", listen = "127.0.0.1:0", upload_rate = "0", download_rate = "0";
        std::string encryption = "prefer";
        std::size_t slots = 4, max_peers = 50;
        int rechoke = 10, optimistic = 30;
        bool quiet = false, json = false, save_metadata = false, keep_seeding = false;
    };
    static Peer get, seed;
    auto options = [](CLI::App* cmd, Peer& p) {
        cmd->add_option("FILE", p.files,
                        ".torrent file or magnet link (its metadata is fetched from peers, BEP 9); several "
                        ".torrent files run together on one port")
            ->required();
        cmd->add_option("--listen", p.listen, "ADDR for incoming peers (default 127.0.0.1:0, any free port)");
        cmd->add_option("--unchoke-slots", p.slots, "regular unchoke slots (default 4)")->check(CLI::Range(1, 100));
        cmd->add_option("--rechoke-interval", p.rechoke, "seconds between rechokes (default 10)")
            ->check(CLI::Range(1, 3600));
        cmd->add_option("--optimistic-interval", p.optimistic, "seconds between optimistic unchokes (default 30)")
            ->check(CLI::Range(1, 3600));
        cmd->add_option("--max-peers", p.max_peers, "connections at most (default 50)")->check(CLI::Range(1, 1000));
        cmd->add_option("--upload-rate", p.upload_rate,
                        "cap on the piece data sent to all peers of all the torrents together, bytes/s with K or M "
                        "(default 0: none)");
        cmd->add_option("--download-rate", p.download_rate,
                        "cap on the piece data received from all peers of all the torrents together, bytes/s with K "
                        "or M (default 0: none)");
        cmd->add_option("--encryption", p.encryption,
                        "MSE/PE: require (RC4 only, both ways), prefer (offer MSE, accept both, fall back to the "
                        "plain handshake; default) or off (plain handshake only)")
            ->check(CLI::IsMember({"require", "prefer", "off"}));
        cmd->add_flag("-q,--quiet", p.quiet, "no progress line");
        cmd->add_flag("--json", p.json,
                      "status for scripts: one JSON object per line on stdout, each second (\"event\":\"status\"), "
                      "at completion (\"complete\") and at the end (\"stopped\"); no progress line");
    };
    auto run = [&g](Peer& p, bool seeding) {
        setup(g, "warn");
        const auto upload_rate = parse_size(p.upload_rate), download_rate = parse_size(p.download_rate);
        for (const auto& [name, text, rate] : {std::tuple{"--upload-rate", p.upload_rate, upload_rate},
                                               std::tuple{"--download-rate", p.download_rate, download_rate}})
            if (!rate) {
                std::cerr << "layer7: " << name << ": not a rate: " << text << " (bytes/s, e.g. 500K or 2M)\n";
                g.status = exit_usage;
                return;
            }
        // A magnet link's metadata comes from peers (run_magnet); a .torrent is read here.
        std::optional<torrent::Magnet> magnet;
        std::vector<torrent::Metainfo> metas;
        if (p.files.size() == 1 && is_magnet(p.files[0])) {
            magnet = torrent::parse_magnet(p.files[0]);
            if (!magnet) {
                std::cerr << "layer7: not a magnet link with one urn:btih: info-hash: " << p.files[0] << "\n";
                g.status = exit_usage;
                return;
            }
        }
        for (const auto& file : magnet ? std::vector<std::string>{} : p.files) {
            if (is_magnet(file)) {
                std::cerr << "layer7: a magnet link runs alone; with several torrents give .torrent files: " << file
                          << "\n";
                g.status = exit_usage;
                return;
            }
            auto read = torrent::read_torrent(file);
            if (!read) {
                std::cerr << "layer7: " << read.error() << "\n";
                g.status = exit_failure;
                return;
            }
            for (const auto& other : metas)
                if (other.info_bytes == read->info_bytes) {
                    std::cerr << "layer7: " << file << " is a torrent given before\n";
                    g.status = exit_usage;
                    return;
                }
            metas.push_back(std::move(read).value());
        }
        auto listen = parse_addr("--listen", p.listen, true);
        if (!listen) {
            g.status = exit_usage;
            return;
        }
        torrent::PeerOptions options;
        options.dir = p.dir;
        options.seed = seeding;
        options.listen = *listen;
        options.max_peers = p.max_peers;
        options.progress = !p.quiet && !p.json;
        options.json = p.json;
        options.keep_seeding = p.keep_seeding;
        options.upload_rate = static_cast<double>(*upload_rate);
        options.download_rate = static_cast<double>(*download_rate);
        options.encryption = *torrent::parse_encryption(p.encryption);  // checked by IsMember
        options.choker.regular_slots = p.slots;
        options.choker.rechoke_interval = std::chrono::seconds(p.rechoke);
        options.choker.optimistic_interval = std::chrono::seconds(p.optimistic);
        if (magnet)
            g.status = torrent::run_magnet(*magnet, options, p.save_metadata);
        else if (metas.size() == 1)
            g.status = torrent::run_peer(metas[0], options);
        else
            g.status = torrent::run_peers(metas, options);
    };
    auto* get_cmd = torrent_cmd.add_subcommand(
        "get", "Download torrents into --dir, all at once on one port; exit 0 once every piece of each checks");
    options(get_cmd, get);
    get_cmd->add_option("--dir", get.dir, "download directory (default .)");
    get_cmd->add_flag("--save-metadata", get.save_metadata,
                      "magnet link: also write the fetched metadata as DIR/<info-hash>.torrent (as aria2c "
                      "--bt-save-metadata)");
    get_cmd->add_flag("--keep-seeding", get.keep_seeding,
                      "once complete, stay and upload until stopped by a signal (exit 0), as aria2c does without "
                      "--seed-time");
    get_cmd->callback([run] { run(get, false); });
    auto* seed_cmd = torrent_cmd.add_subcommand("seed", "Serve torrents' data from --dir, on one port, until stopped");
    options(seed_cmd, seed);
    seed_cmd->add_option("--dir", seed.dir, "directory holding the data")->required();
    seed_cmd->callback([run] { run(seed, true); });
}

}  // namespace

void add_torrent_commands(CLI::App& app, Globals& g)
{
    auto* torrent_cmd = app.add_subcommand("torrent", "BitTorrent: make and inspect .torrent files, download and seed");
    torrent_cmd->require_subcommand(1);

    struct Make {
        std::string path, out, piece_size = "256K", comment;
        std::vector<std::string> trackers;
    };
    static Make make;
    auto* make_cmd = torrent_cmd->add_subcommand("make", "Hash a file or directory into a .torrent (BEP 3 v1)");
    make_cmd->add_option("PATH", make.path, "file or directory to share")->required();
    make_cmd->add_option("--tracker", make.trackers, "announce URL (repeat for more)")->required();
    make_cmd->add_option("-o,--output", make.out, "the .torrent to write (default NAME.torrent)");
    make_cmd->add_option("--piece-size", make.piece_size, "bytes per piece, power of two, e.g. 256K (default)");
    make_cmd->add_option("--comment", make.comment, "comment stored in the torrent");
    make_cmd->callback([&g] {
        setup(g, "warn");
        torrent::MakeOptions options;
        options.trackers = make.trackers;
        options.comment = make.comment;
        options.creation_date = static_cast<std::int64_t>(std::time(nullptr));
        auto piece = parse_size(make.piece_size);
        if (!piece || !torrent::valid_piece_length(*piece)) {
            std::cerr << "layer7: --piece-size must be a power of two from 16K to 64M\n";
            g.status = exit_usage;
            return;
        }
        options.piece_length = *piece;
        auto meta = torrent::make_torrent(make.path, options);
        if (!meta) {
            std::cerr << "layer7: " << meta.error() << "\n";
            g.status = exit_failure;
            return;
        }
        const std::string out = make.out.empty() ? meta->name + ".torrent" : make.out;
        std::string error;
        if (!torrent::write_file_atomically(out, torrent::encode_metainfo(*meta), error)) {
            std::cerr << "layer7: " << error << "\n";
            g.status = exit_failure;
            return;
        }
        std::cout << "wrote " << out << "\n";
        print_info(*meta);
    });

    static std::string info_file;
    auto* info_cmd = torrent_cmd->add_subcommand("info", "Show a .torrent: files, pieces, info-hash, magnet link");
    info_cmd->add_option("FILE", info_file, ".torrent file")->required();
    info_cmd->callback([&g] {
        setup(g, "warn");
        auto meta = torrent::read_torrent(info_file);
        if (!meta) {
            std::cerr << "layer7: " << meta.error() << "\n";
            g.status = exit_failure;
            return;
        }
        print_info(*meta);
    });

    add_peer_commands(*torrent_cmd, g);

    auto* tracker_cmd = app.add_subcommand("tracker", "BitTorrent tracker (HTTP and UDP on one port)");
    tracker_cmd->require_subcommand(1);
    struct Serve {
        std::string listen = "127.0.0.1:6969";
        int interval = 1800;
        bool no_udp = false;
    };
    static Serve serve;
    auto* serve_cmd = tracker_cmd->add_subcommand("serve", "Serve announce, scrape and a stats page");
    serve_cmd->add_option("--listen", serve.listen, "ADDR for both TCP (HTTP) and UDP (default 127.0.0.1:6969)");
    serve_cmd->add_option("--interval", serve.interval, "seconds between announces (default 1800)")
        ->check(CLI::Range(1, 86400));
    serve_cmd->add_flag("--no-udp", serve.no_udp, "HTTP only");
    serve_cmd->callback([&g] {
        setup(g);
        torrent::TrackerConfig config;
        auto hp = parse_addr("--listen", serve.listen, true);
        if (!hp) {
            g.status = exit_usage;
            return;
        }
        config.listen = *hp;
        config.udp = !serve.no_udp;
        config.policy.interval = std::chrono::seconds(serve.interval);
        config.policy.min_interval = std::min(config.policy.min_interval, config.policy.interval);
        config.policy.peer_ttl = 2 * config.policy.interval;
        std::vector<std::unique_ptr<core::Service>> services;
        services.push_back(torrent::make_tracker_service(config));
        g.status = run_services(services, g.threads);
    });
}

}  // namespace layer7::cli
