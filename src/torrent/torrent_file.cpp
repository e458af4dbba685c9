// .torrent files on disk: see torrent_file.hpp.
#include "torrent/torrent_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/config/config.hpp"
#include "core/fs/write_all.hpp"
#include "torrent/sha1.hpp"

namespace layer7::torrent {

namespace fs = std::filesystem;

bool valid_piece_length(std::uint64_t n)
{
    return n >= 16 * 1024 && n <= 64u << 20 && (n & (n - 1)) == 0;
}

namespace {

constexpr std::size_t read_chunk = 1u << 16;  // the most memory hashing ever holds besides the digest

struct Source {
    fs::path path;
    std::vector<std::string> components;  // under the torrent's name
    std::uint64_t length = 0;
};

// Regular files under `root`, sorted by their path components, so the same tree gives the same
// torrent everywhere.
bool collect(const fs::path& root, std::vector<Source>& out, std::string& error)
{
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::none, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec) || it->is_symlink(ec))
            continue;
        Source s;
        s.path = it->path();
        for (const auto& part : fs::relative(it->path(), root))
            s.components.push_back(part.string());
        s.length = it->file_size(ec);
        out.push_back(std::move(s));
    }
    if (ec) {
        error = root.string() + ": " + ec.message();
        return false;
    }
    std::sort(out.begin(), out.end(), [](const Source& a, const Source& b) { return a.components < b.components; });
    return true;
}

// Feeds every file's bytes, in order, into piece-sized SHA-1s.
bool hash_pieces(const std::vector<Source>& sources, std::uint64_t piece_length, std::string& pieces,
                 std::string& error)
{
    Sha1 piece;
    std::uint64_t in_piece = 0;
    std::string buffer(read_chunk, '\0');
    for (const auto& s : sources) {
        const int fd = ::open(s.path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            error = s.path.string() + ": " + std::strerror(errno);
            return false;
        }
        std::uint64_t total = 0;
        for (;;) {
            const ssize_t n = ::read(fd, buffer.data(), buffer.size());
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                error = s.path.string() + ": " + std::strerror(errno);
                ::close(fd);
                return false;
            }
            if (n == 0)
                break;
            std::string_view data(buffer.data(), static_cast<std::size_t>(n));
            total += data.size();
            while (!data.empty()) {
                const std::size_t take =
                    static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), piece_length - in_piece));
                piece.update(data.substr(0, take));
                data.remove_prefix(take);
                in_piece += take;
                if (in_piece == piece_length) {
                    const auto digest = piece.finish();
                    pieces.append(reinterpret_cast<const char*>(digest.data()), digest.size());
                    in_piece = 0;
                }
            }
        }
        ::close(fd);
        if (total != s.length) {
            error = s.path.string() + ": changed while it was hashed";
            return false;
        }
    }
    if (in_piece > 0) {
        const auto digest = piece.finish();
        pieces.append(reinterpret_cast<const char*>(digest.data()), digest.size());
    }
    return true;
}

}  // namespace

core::Result<Metainfo, std::string> make_torrent(const std::string& path, const MakeOptions& options)
{
    if (!valid_piece_length(options.piece_length))
        return core::fail(std::string("piece size must be a power of two from 16384 to 67108864"));
    std::error_code ec;
    const fs::path root = fs::absolute(fs::path(path), ec).lexically_normal();
    const auto status = fs::status(root, ec);
    if (ec)
        return core::fail(path + ": " + ec.message());
    Metainfo meta;
    meta.name = root.has_filename() ? root.filename().string() : root.parent_path().filename().string();
    if (!safe_path_component(meta.name))
        return core::fail(path + ": cannot name a torrent after this path");
    meta.piece_length = options.piece_length;
    std::vector<Source> sources;
    std::string error;
    if (fs::is_directory(status)) {
        meta.multi_file = true;
        if (!collect(root, sources, error))
            return core::fail(error);
        if (sources.empty())
            return core::fail(path + ": no files in this directory");
        for (const auto& s : sources)
            meta.files.push_back({s.components, s.length});
    } else if (fs::is_regular_file(status)) {
        sources.push_back({root, {meta.name}, fs::file_size(root, ec)});
        meta.files.push_back({{meta.name}, sources.back().length});
    } else {
        return core::fail(path + ": not a regular file or a directory");
    }
    if (meta.total_length() == 0)
        return core::fail(path + ": nothing to share (0 bytes)");
    if (!hash_pieces(sources, meta.piece_length, meta.pieces, error))
        return core::fail(error);
    if (!options.trackers.empty()) {
        meta.announce = options.trackers.front();
        if (options.trackers.size() > 1)
            for (const auto& t : options.trackers)
                meta.announce_list.push_back({t});
    }
    meta.comment = options.comment;
    meta.created_by = options.created_by;
    if (options.creation_date > 0)
        meta.creation_date = options.creation_date;
    // The info bytes are what we would write; parsing our own output checks it is a valid torrent.
    auto back = parse_metainfo(encode_metainfo(meta));
    if (!back)
        return core::fail(path + ": " + to_string(back.error()));
    return std::move(back).value();
}

core::Result<Metainfo, std::string> read_torrent(const std::string& file)
{
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec)
        return core::fail(file + ": " + ec.message());
    if (size > MetainfoLimits{}.max_file)
        return core::fail(file + ": too large to be a torrent file");
    auto text = core::read_text_file(file);
    if (!text)
        return core::fail(file + ": cannot read");
    auto meta = parse_metainfo(*text);
    if (!meta)
        return core::fail(file + ": " + to_string(meta.error()));
    return std::move(meta).value();
}

bool write_file_atomically(const std::string& file, const std::string& contents, std::string& error)
{
    const bool in_place = core::is_special_file(file);  // -o /dev/null is written, not replaced
    const std::string tmp = in_place ? file : file + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool ok = fd >= 0 && ::write(fd, contents.data(), contents.size()) == static_cast<ssize_t>(contents.size());
    ok = fd >= 0 && (in_place || ::fsync(fd) == 0) && ok;
    if (fd >= 0)
        ::close(fd);
    if (!ok || (!in_place && ::rename(tmp.c_str(), file.c_str()) != 0)) {
        error = file + ": " + std::strerror(errno);
        if (!in_place)
            ::unlink(tmp.c_str());
        return false;
    }
    return true;
}

}  // namespace layer7::torrent
