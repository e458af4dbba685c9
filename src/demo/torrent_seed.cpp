// The demo torrent of `layer7 up`: see torrent_seed.hpp.
#include "demo/torrent_seed.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "core/runtime/runtime.hpp"
#include "demo/site.hpp"
#include "torrent/peer_service.hpp"
#include "torrent/sha1.hpp"
#include "torrent/torrent_file.hpp"

namespace layer7::demo {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view images_prefix = "images/";

// The demo site's images, in name order (the order a torrent's files are written in).
std::vector<http::DemoFile> site_images()
{
    std::vector<http::DemoFile> images;
    for (auto& file : site_files())
        if (file.path.starts_with(images_prefix))
            images.push_back(std::move(file));
    std::sort(images.begin(), images.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return images;
}

// Whether `path` holds exactly `content` (then it is not written again).
bool holds(const fs::path& path, const std::string& content)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    const std::string now((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return now == content;
}

void write(const fs::path& path, const std::string& content)
{
    if (holds(path, content))
        return;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::string error;
    if (ec || !torrent::write_file_atomically(path.string(), content, error))
        throw core::StartError("tracker: cannot write the demo torrent: " +
                               (ec ? path.parent_path().string() + ": " + ec.message() : error));
}

// What the service and the hooks it leaves on the runtime share: the seed lives until the last of
// them lets go (its run() may still be announcing "stopped" when the service is retired).
struct Seed {
    explicit Seed(asio::io_context& io_) : io(io_) {}
    asio::io_context& io;
    torrent::Metainfo meta;  // the torrent::Peer holds a reference to it
    std::unique_ptr<torrent::Peer> peer;
    // On `io` only: run() has returned; who waits for that.
    bool ended = false;
    std::vector<std::function<void()>> on_end;
};

class TorrentSeed final : public core::Service {
public:
    explicit TorrentSeed(TorrentSeedConfig config) : config_(std::move(config)) {}

    std::vector<core::ServiceRow> start(core::Runtime& runtime) override
    {
        core::HostPort tracker = config_.tracker;
        if (tracker.host == "0.0.0.0")  // every address: the seed and the users reach it on loopback
            tracker.host = "127.0.0.1";
        else if (tracker.host == "::")
            tracker.host = "::1";
        const std::string announce = "http://" + core::to_string(tracker) + "/announce";

        auto seed = std::make_shared<Seed>(runtime.context(0));
        seed->meta = torrent_metainfo(announce);
        const std::string torrent = torrent::encode_metainfo(seed->meta);
        const fs::path dir = fs::path(config_.data_dir) / "torrent";
        for (const auto& image : site_images())
            write(dir / torrent_name / image.path.substr(images_prefix.size()), image.content);
        const std::string file = (dir / "demo.torrent").string();
        write(file, torrent);
        std::string source = file;  // what aria2c is given: the web site's copy when there is one
        if (!config_.www.empty()) {
            write(fs::path(config_.www) / "demo.torrent", torrent);
            source = "http://" + config_.http_address + "/demo.torrent";
        }

        torrent::PeerOptions options;
        options.dir = dir.string();
        options.seed = true;
        options.listen = core::HostPort{tracker.host, 0};  // any free port: the tracker tells the leechers
        options.progress = false;
        options.notes = false;
        seed->peer = std::make_unique<torrent::Peer>(seed->io, seed->meta, std::move(options));
        asio::co_spawn(seed->io, seed->peer->run(), [seed](std::exception_ptr) {
            seed->ended = true;
            for (auto& done : std::exchange(seed->on_end, {}))
                done();
        });
        // A stop says "stopped" to the tracker while it still listens; a retire (reload) stops the
        // seed while the tracker goes on, or its successor has taken over the port.
        runtime.before_stop([seed](std::function<void()> done) {
            asio::post(seed->io, [seed, done = std::move(done)]() mutable {
                seed->peer->stop(0);
                if (seed->ended)
                    done();
                else
                    seed->on_end.push_back(std::move(done));
            });
        });
        runtime.on_stop([seed] { asio::post(seed->io, [seed] { seed->peer->stop(0); }); });

        return {{"torrent-demo", file, "layer7 torrent get " + file},
                {"torrent-demo/aria2c", source, std::string("aria2c ") + aria2c_flags + " " + source}};
    }

private:
    TorrentSeedConfig config_;
};

}  // namespace

torrent::Metainfo torrent_metainfo(const std::string& announce)
{
    torrent::Metainfo meta;
    meta.name = torrent_name;
    meta.multi_file = true;
    meta.piece_length = torrent_piece_length;
    meta.announce = announce;
    meta.created_by = "layer7";
    std::string all;
    for (const auto& image : site_images()) {
        meta.files.push_back({{image.path.substr(images_prefix.size())}, image.content.size()});
        all += image.content;
    }
    for (std::size_t at = 0; at < all.size(); at += meta.piece_length) {
        const torrent::Sha1Digest digest = torrent::sha1(std::string_view(all).substr(at, meta.piece_length));
        meta.pieces.append(reinterpret_cast<const char*>(digest.data()), digest.size());
    }
    // Parsing our own encoding fills info_bytes, the info-hash's input, as for any .torrent.
    auto back = torrent::parse_metainfo(torrent::encode_metainfo(meta));
    if (!back)
        throw core::StartError("tracker: the demo torrent does not parse: " + torrent::to_string(back.error()));
    return std::move(back).value();
}

std::unique_ptr<core::Service> make_torrent_seed_service(const TorrentSeedConfig& config)
{
    return std::make_unique<TorrentSeed>(config);
}

}  // namespace layer7::demo
