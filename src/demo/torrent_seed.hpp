// The demo torrent of `layer7 up` ([tracker] seed_demo): the demo site's ten images as one
// multi-file torrent announcing to up's own tracker, seeded by a torrent::Peer on a worker. The
// .torrent goes to DATA/torrent/demo.torrent (for `layer7 torrent get`) and, when [http] serves the
// demo site, to DATA/www/demo.torrent (for aria2c and browsers); the seed's copy of the images is
// DATA/torrent/layer7-demo-images/. No creation date, and the tracker is outside the info
// dictionary: the info-hash is the same on every start.
#pragma once

#include <memory>
#include <string>

#include "core/service.hpp"
#include "core/text/host_port.hpp"
#include "torrent/metainfo.hpp"

namespace layer7::demo {

inline constexpr const char* torrent_name = "layer7-demo-images";
inline constexpr std::uint64_t torrent_piece_length = 16 * 1024;  // the smallest we write (the images are ~2 KB)

struct TorrentSeedConfig {
    std::string data_dir;      // DATA: the torrent and the seed's files go under DATA/torrent
    core::HostPort tracker;    // [tracker] listen: the torrent announces to http://it/announce
    std::string www;           // the demo site's root (DATA/www) to serve demo.torrent from; "" = none
    std::string http_address;  // "127.0.0.1:8080", the [http] serving `www`
};

// The demo site's images (http::demo_site(), images/picNN.png) as a multi-file torrent named
// torrent_name, files in name order, announcing to `announce`; info_bytes filled in.
torrent::Metainfo torrent_metainfo(const std::string& announce);

// The flags aria2c needs to fetch the demo torrent on loopback and exit: no DHT, local peer
// discovery or peer exchange (the tracker is the only way to the seed), no seeding afterwards.
inline constexpr const char* aria2c_flags =
    "--seed-time=0 --enable-dht=false --enable-dht6=false --bt-enable-lpd=false --enable-peer-exchange=false";

std::unique_ptr<core::Service> make_torrent_seed_service(const TorrentSeedConfig& config);

}  // namespace layer7::demo
