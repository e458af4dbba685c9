// Site: see site.hpp.
#include "http/server/site.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <unordered_map>

#include "http/message/date.hpp"
#include "http/message/etag.hpp"
#include "http/message/mime.hpp"
#include "http/message/range.hpp"
#include "http/message/target.hpp"
#include "http/message/token.hpp"
#include "http/server/conditional.hpp"
#include "http/server/listing.hpp"
#include "http/server/live_window.hpp"
#include "http/server/spare_storage.hpp"

namespace layer7::http {

namespace {

Reply no_content()
{
    Reply r;
    r.response.status = Status::no_content;
    return r;
}

using SteadyTime = std::chrono::steady_clock::time_point;

// Files up to this size are served from memory, bigger ones with sendfile(2). Measured on loopback
// (100 KiB keep-alive, 2 workers): sendfile 33 µs of CPU per request, a gathered write from memory
// 44 with wrk on its own CPU; 10 % more requests per second with sendfile when wrk shares the CPUs.
constexpr std::uint64_t max_cached_file = 64 * 1024;
// HTTP/2 frames a body itself, so sendfile is out: a file up to this size asked for over HTTP/2 is
// kept in memory as well, and its DATA frames leave from there (a gathered write over h2c, one
// copy into TLS records) instead of being read for every request: 100 KiB over h2c took 40 µs of
// CPU per request with two preadv, 26 to 36 this way (h2o: 37).
constexpr std::uint64_t max_framed_file = 1u << 20;
constexpr std::uint64_t max_cache_bytes = 64u << 20;        // per worker
constexpr std::size_t max_cached_descriptors = 256;         // per worker
constexpr auto revalidate_after = std::chrono::seconds(1);  // stat at most once a second
constexpr std::uint64_t min_gzip_size = 256;                // smaller gains nothing
constexpr std::uint64_t max_gzip_size = 4u << 20;           // compressed once, kept in memory

// What we know about one regular file.
struct FileMeta {
    dev_t dev = 0;
    ino_t ino = 0;
    std::uint64_t size = 0;
    timespec mtime{};
    Validators validators, gzip_validators;  // the gzipped representation has its own ETag
    std::string etag_text, gzip_etag_text, last_modified_text;
    std::string_view content_type;
    bool compressible = false;  // is_compressible(content_type), asked on every request
};

struct CachedFile {
    FileMeta meta;
    std::uint64_t generation = 0;
    SteadyTime checked_at{};
    std::shared_ptr<const std::string> content;  // small files: the bytes
    std::shared_ptr<OpenFile> file;              // larger files: an open descriptor
    std::shared_ptr<const std::string> gzipped;  // null: not computed; empty string: not worth it
};

struct FileCache {
    std::unordered_map<std::string, CachedFile> files;
    std::uint64_t bytes = 0;
    std::size_t open_files = 0;
    std::string key;  // the lookup key, rebuilt in place for each request: no allocation per hit
};
// One per worker, whatever its Sites (entries are keyed by root): max_cache_bytes bounds a worker.
const core::WorkerKey<FileCache> file_cache_key;

FileMeta meta_from_stat(const struct stat& st, std::string_view path)
{
    FileMeta m;
    m.dev = st.st_dev;
    m.ino = st.st_ino;
    m.size = static_cast<std::uint64_t>(st.st_size);
    m.mtime = st.st_mtim;
    const auto modified = std::chrono::sys_seconds(std::chrono::seconds(st.st_mtim.tv_sec));
    char tag[64];
    // Same shape as nginx's: hex mtime, hex size.
    std::snprintf(tag, sizeof tag, "%llx-%llx", static_cast<unsigned long long>(st.st_mtim.tv_sec),
                  static_cast<unsigned long long>(st.st_size));
    m.validators.etag = EntityTag{false, tag};
    m.validators.last_modified = modified;
    m.etag_text = to_string(*m.validators.etag);
    // RFC 9110 §8.8.3: a different representation needs its own validator.
    m.gzip_validators = Validators{EntityTag{false, std::string(tag) + "-gz"}, modified};
    m.gzip_etag_text = to_string(*m.gzip_validators.etag);
    m.last_modified_text = format_http_date(modified);
    m.content_type = mime_type_for_path(path);
    m.compressible = is_compressible(m.content_type);
    return m;
}

bool same_file(const FileMeta& a, const struct stat& st)
{
    return a.dev == st.st_dev && a.ino == st.st_ino && a.size == static_cast<std::uint64_t>(st.st_size) &&
           a.mtime.tv_sec == st.st_mtim.tv_sec && a.mtime.tv_nsec == st.st_mtim.tv_nsec;
}

std::shared_ptr<const std::string> gzip(std::string_view data)
{
    z_stream z{};
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return std::make_shared<const std::string>();
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END || out.size() >= data.size())
        return std::make_shared<const std::string>();  // not worth it
    return std::make_shared<const std::string>(std::move(out));
}

bool read_all(int fd, std::string& out, std::uint64_t size)
{
    out.resize(size);
    std::uint64_t done = 0;
    while (done < size) {
        ssize_t n = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += static_cast<std::uint64_t>(n);
    }
    return true;
}

Status status_for_errno(int e)
{
    switch (e) {
    case ENOENT:
    case ENOTDIR:
    case ENAMETOOLONG: return Status::not_found;
    default: return Status::forbidden;  // EXDEV/ELOOP (escape attempts), EACCES, …
    }
}

// The source of a file's bytes: the cache's copy, or an open descriptor.
struct Source {
    std::shared_ptr<const std::string> memory;
    std::shared_ptr<OpenFile> file;
};

BodyPiece slice(const Source& src, std::uint64_t offset, std::uint64_t length)
{
    BodyPiece p;
    p.shared = src.memory;
    p.file = src.memory ? nullptr : src.file;
    p.offset = offset;
    p.length = length;
    return p;
}

// 200/206/304/412/416 for one file, per RFC 9110 §13 and §14.
Reply file_reply(const Request& request, const FileMeta& meta, const Source& identity,
                 const std::shared_ptr<const std::string>& gzipped, SpareStorage& spare)
{
    const bool use_gzip = gzipped && !gzipped->empty();
    Reply r = spare.take_reply();
    Fields& f = r.response.fields;
    // A 304 carries the fields a 200 would have had, Vary included (RFC 9110 §15.4.5).
    auto add_validators = [&] {
        f.add_valid("Last-Modified", meta.last_modified_text);
        f.add_valid("ETag", use_gzip ? meta.gzip_etag_text : meta.etag_text);
        if (meta.compressible)
            f.add_valid("Vary", "Accept-Encoding");
    };
    switch (evaluate_preconditions(request, use_gzip ? meta.gzip_validators : meta.validators)) {
    case Precondition::not_modified:
        r.response.status = Status::not_modified;
        add_validators();
        return r;
    case Precondition::precondition_failed: return error_reply(Status::precondition_failed);
    case Precondition::proceed: break;
    }

    auto range_value = request.fields.get("Range");
    if (range_value && request.method == MethodId::get && if_range_allows(request, meta.validators)) {
        RangeResult range = resolve_range(*range_value, meta.size);
        if (range.outcome == RangeOutcome::unsatisfiable) {
            Reply e = error_reply(Status::range_not_satisfiable);
            e.response.fields.add("Content-Range", "bytes */" + std::to_string(meta.size));
            return e;
        }
        if (range.outcome == RangeOutcome::satisfiable) {
            r.response.status = Status::partial_content;
            add_validators();
            f.add("Accept-Ranges", "bytes");
            if (range.ranges.size() == 1) {
                const ByteRange& b = range.ranges[0];
                f.add_valid("Content-Type", meta.content_type);
                f.add("Content-Range", content_range(b, meta.size));
                r.body.push_back(slice(identity, b.first, b.length()));
                return r;
            }
            // §14.6: multipart/byteranges, one part per range.
            const std::string boundary = "layer7-" + meta.etag_text.substr(1, meta.etag_text.size() - 2);
            f.add("Content-Type", "multipart/byteranges; boundary=" + boundary);
            for (const ByteRange& b : range.ranges) {
                r.body.push_back(BodyPiece::of_text(byteranges_part_head(boundary, meta.content_type, b, meta.size)));
                r.body.push_back(slice(identity, b.first, b.length()));
            }
            r.body.push_back(BodyPiece::of_text(byteranges_end(boundary)));
            return r;
        }
    }

    r.response.status = Status::ok;
    add_validators();
    f.add_valid("Content-Type", meta.content_type);
    f.add_valid("Accept-Ranges", "bytes");
    if (use_gzip) {
        f.add_valid("Content-Encoding", "gzip");
        r.body.push_back(slice(Source{gzipped, nullptr}, 0, gzipped->size()));
        return r;
    }
    r.body.push_back(slice(identity, 0, meta.size));
    return r;
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding)
{
    // Walk "gzip;q=0.5, br" by hand: this runs on every request.
    while (!accept_encoding.empty()) {
        auto comma = accept_encoding.find(',');
        std::string_view item = accept_encoding.substr(0, comma);
        accept_encoding = comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        auto semi = item.find(';');
        std::string_view coding = item.substr(0, semi);
        while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t'))
            coding.remove_suffix(1);
        if (!iequals(coding, "gzip") && !iequals(coding, "x-gzip") && coding != "*")
            continue;
        if (semi == std::string_view::npos)
            return true;
        std::string_view params = item.substr(semi + 1);
        auto q = params.find("q=");
        if (q == std::string_view::npos)
            return true;
        std::string_view value = params.substr(q + 2);
        value = value.substr(0, value.find_first_of(" ;,\t"));
        return value.find_first_not_of("0.") != std::string_view::npos;  // any non-zero digit: q > 0
    }
    return false;
}

Site::Site(const std::string& root_dir, SiteOptions options) : root_(root_dir), options_(std::move(options)) {}

void Site::add_cache_control(Reply& reply, std::string_view path) const
{
    const CacheRule* best = nullptr;
    for (const auto& rule : options_.cache_rules)
        if (path.starts_with(rule.prefix) && (!best || rule.prefix.size() > best->prefix.size()))
            best = &rule;
    if (best)
        reply.response.fields.add("Cache-Control", "max-age=" + std::to_string(best->max_age));
    // DASH: a media segment never changes once written; a manifest may be a live one that the
    // packager rewrites every segment, so it is kept only briefly. Browser players (dash.js) load
    // both from scripts, so they may be read from any origin (CORS).
    const bool segment = path.ends_with(".m4s"), manifest = path.ends_with(".mpd");
    if (!best && segment)
        reply.response.fields.add("Cache-Control", "public, max-age=31536000, immutable");
    if (!best && manifest)
        reply.response.fields.add("Cache-Control", "max-age=2");
    if (segment || manifest)
        reply.response.fields.add("Access-Control-Allow-Origin", "*");
}

Reply Site::get(const Request& request, std::string_view path, std::string_view query, SteadyTime now,
                core::WorkerSlots& worker) const
{
    FileCache& file_cache = worker.get(file_cache_key);
    const bool want_gzip =
        options_.gzip && !request.fields.contains("Range") && accepts_gzip(request.fields.combined("Accept-Encoding"));
    const std::string_view relative = path.substr(1);
    std::string& key = file_cache.key;  // valid until the next get() on this worker (a directory's index)
    key.assign(root_.path()).append(1, '\0').append(relative);
    const std::uint64_t generation = generation_.load(std::memory_order_relaxed);

    auto serve_cached = [&](CachedFile& c) {
        if (want_gzip && !c.gzipped && c.meta.compressible && c.meta.size >= min_gzip_size &&
            c.meta.size <= max_gzip_size) {
            if (c.content) {
                c.gzipped = gzip(*c.content);
            } else {
                std::string whole;
                c.gzipped =
                    read_all(c.file->fd, whole, c.meta.size) ? gzip(whole) : std::make_shared<const std::string>();
            }
        }
        const bool framed = request.version.major >= 2;
        if (framed && c.file && !c.content && c.meta.size <= max_framed_file &&
            file_cache.bytes + c.meta.size <= max_cache_bytes) {
            std::string whole;
            if (read_all(c.file->fd, whole, c.meta.size)) {
                c.content = std::make_shared<const std::string>(std::move(whole));
                file_cache.bytes += c.meta.size;
            }
        }
        // HTTP/1.x sends a file that has a descriptor with sendfile, even when it is in memory too.
        const Source source{framed || !c.file ? c.content : nullptr, c.file};
        Reply r = file_reply(request, c.meta, source, want_gzip ? c.gzipped : nullptr, SpareStorage::of(worker));
        if (code(r.response.status) < 400)
            add_cache_control(r, path);
        return r;
    };
    auto forget = [&](std::unordered_map<std::string, CachedFile>::iterator at) {
        file_cache.bytes -= at->second.content ? at->second.meta.size : 0;
        file_cache.open_files -= at->second.file ? 1 : 0;
        file_cache.files.erase(at);
    };

    auto it = file_cache.files.find(key);
    if (it != file_cache.files.end() && it->second.generation == generation &&
        now - it->second.checked_at < revalidate_after)
        return serve_cached(it->second);

    int fd = root_.open(relative, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        if (it != file_cache.files.end())
            forget(it);
        return error_reply(status_for_errno(-fd));
    }
    auto file = std::make_shared<OpenFile>(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return error_reply(Status::internal_server_error);
    if (S_ISDIR(st.st_mode))
        return serve_directory(request, path, query, now, worker);
    if (!S_ISREG(st.st_mode))
        return error_reply(Status::forbidden);  // devices, FIFOs: never

    if (it != file_cache.files.end() && same_file(it->second.meta, st)) {
        it->second.checked_at = now;
        it->second.generation = generation;
        return serve_cached(it->second);
    }
    if (it != file_cache.files.end())
        forget(it);
    // Small files are kept in memory; larger ones keep their descriptor open for sendfile, which
    // saves open/fstat/close per request and stays zero-copy.
    const bool in_memory = static_cast<std::uint64_t>(st.st_size) <= max_cached_file;
    std::string content;
    if (in_memory && !read_all(fd, content, static_cast<std::uint64_t>(st.st_size)))
        return error_reply(Status::internal_server_error);
    if (file_cache.bytes + content.size() > max_cache_bytes || file_cache.open_files >= max_cached_descriptors) {
        file_cache.files.clear();  // crude but bounded; a hot set refills within a second
        file_cache.bytes = 0;
        file_cache.open_files = 0;
    }
    CachedFile& c = file_cache.files[key];
    c.meta = meta_from_stat(st, path);
    c.generation = generation;
    c.checked_at = now;
    if (in_memory) {
        c.content = std::make_shared<const std::string>(std::move(content));
        file_cache.bytes += c.meta.size;
    } else {
        c.file = std::move(file);
        ++file_cache.open_files;
    }
    return serve_cached(c);
}

Reply Site::serve_directory(const Request& request, std::string_view path, std::string_view query, SteadyTime now,
                            core::WorkerSlots& worker) const
{
    if (!path.ends_with('/')) {
        // RFC 9110 §15.4.2: relative references inside the directory need the trailing slash.
        Reply r = error_reply(Status::moved_permanently);
        // Re-encoded: the decoded path may hold bytes (CR, LF, space) that a header must not.
        std::string location = percent_encode(path, "/") + "/";
        if (!query.empty())
            location += "?" + std::string(query);
        r.response.fields.add("Location", location);
        return r;
    }
    const std::string index = std::string(path) + "index.html";
    struct stat st {};
    if (!root_.stat(index.substr(1), st) && S_ISREG(st.st_mode))
        return get(request, index, query, now, worker);
    if (!options_.listings)
        return error_reply(Status::forbidden);

    int fd = root_.open(path.substr(1), O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return error_reply(status_for_errno(-fd));
    DIR* dir = ::fdopendir(fd);
    if (!dir) {
        ::close(fd);
        return error_reply(Status::internal_server_error);
    }
    std::vector<ListingEntry> entries;
    while (dirent* e = ::readdir(dir)) {
        std::string name = e->d_name;
        if (name.starts_with('.'))
            continue;  // ".", "..", hidden files and our own upload temp files
        struct stat est {};
        if (::fstatat(::dirfd(dir), name.c_str(), &est, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        entries.push_back({name, S_ISDIR(est.st_mode), static_cast<std::uint64_t>(est.st_size),
                           std::chrono::sys_seconds(std::chrono::seconds(est.st_mtim.tv_sec))});
    }
    ::closedir(dir);
    Reply r = text_reply(Status::ok, render_listing(path, std::move(entries)), "text/html; charset=utf-8");
    r.chunked = true;  // a listing is generated, so its length is not a property of any file
    r.response.fields.add("Cache-Control", "no-cache");
    return r;
}

Reply Site::put(const Request& request, std::string_view path, std::string_view body) const
{
    if (path.ends_with('/'))
        return error_reply(Status::method_not_allowed);
    if (request.fields.contains("Content-Range"))  // RFC 9110 §14.5: we do not do partial PUT
        return error_reply(Status::bad_request);
    const std::string relative(path.substr(1));
    struct stat st {};
    const bool existed = !root_.stat(relative, st);
    if (existed && !S_ISREG(st.st_mode))
        return error_reply(Status::conflict);
    // If-Match / If-None-Match: * guard against lost updates (RFC 9110 §13.1.1, §13.1.2).
    if (evaluate_preconditions(request, existed ? meta_from_stat(st, path).validators : Validators{}) !=
        Precondition::proceed)
        return error_reply(Status::precondition_failed);
    auto write_body = [&](int fd) {
        std::size_t done = 0;
        while (done < body.size()) {
            ssize_t n = ::write(fd, body.data() + done, body.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    };
    auto ec = root_.replace(relative, write_body);
    if (ec == std::errc::no_such_file_or_directory) {
        // Missing parents are created, as nginx's create_full_put_path does: ffmpeg's DASH muxer
        // PUTs segments into directories of its own naming (DASH live publishing).
        for (std::size_t slash = relative.find('/'); slash != std::string::npos; slash = relative.find('/', slash + 1))
            if (auto made = root_.make_directory(relative.substr(0, slash)); made && made != std::errc::file_exists)
                break;
        ec = root_.replace(relative, write_body);
    }
    generation_.fetch_add(1, std::memory_order_relaxed);
    if (ec) {
        if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory)
            return error_reply(Status::conflict);  // a parent is a file, or could not be made
        return error_reply(status_for_errno(ec.value()));
    }
    if (options_.live_window.count() > 0 && path.ends_with(".mpd"))
        expire_segments(relative);
    // 201 with Location for a new resource, 204 when an existing one was replaced (RFC 9110 §9.3.4).
    if (existed)
        return no_content();
    Reply r = text_reply(Status::created, "created\n");
    r.response.fields.add("Location", percent_encode(path, "/"));
    return r;
}

void Site::expire_segments(const std::string& manifest) const
{
    const auto slash = manifest.rfind('/');
    const std::string dir_path = slash == std::string::npos ? std::string() : manifest.substr(0, slash);
    struct stat written {};
    if (root_.stat(manifest, written))
        return;
    const int fd = root_.open(dir_path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return;
    DIR* dir = ::fdopendir(fd);
    if (!dir) {
        ::close(fd);
        return;
    }
    auto ms = [](const struct timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000 + t.tv_nsec / 1000000; };
    std::vector<SegmentFile> files;
    while (dirent* e = ::readdir(dir)) {
        struct stat est {};
        if (::fstatat(::dirfd(dir), e->d_name, &est, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(est.st_mode))
            files.push_back({e->d_name, ms(est.st_mtim)});
    }
    ::closedir(dir);
    // The manifest was just written: its time is "now" on the file system's clock.
    for (const auto& name : expired_segments(files, ms(written.st_mtim), options_.live_window))
        root_.remove(dir_path.empty() ? name : dir_path + "/" + name, false);
}

Reply Site::remove(const Request& request, std::string_view path) const
{
    const std::string relative(path.substr(1));
    struct stat st {};
    if (auto ec = root_.stat(relative, st))
        return error_reply(status_for_errno(ec.value()));
    const Validators current = S_ISREG(st.st_mode) ? meta_from_stat(st, path).validators : Validators{};
    if (evaluate_preconditions(request, current) != Precondition::proceed)
        return error_reply(Status::precondition_failed);
    if (relative.empty())
        return error_reply(Status::forbidden);
    auto ec = root_.remove(relative, S_ISDIR(st.st_mode));
    generation_.fetch_add(1, std::memory_order_relaxed);
    if (ec)
        return error_reply(ec == std::errc::directory_not_empty ? Status::conflict : status_for_errno(ec.value()));
    return no_content();
}

}  // namespace layer7::http
