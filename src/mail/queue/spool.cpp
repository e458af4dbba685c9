// The durable queue: see spool.hpp. Every file operation goes through core::Root, so a queue id
// read from disk can never name a path outside the queue directory.
#include "mail/queue/spool.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "core/fs/beneath.hpp"
#include "core/fs/write_all.hpp"

namespace layer7::mail {
namespace {

constexpr std::string_view temp_prefix = ".layer7-tmp.";  // core::Root::create_temp's names

std::error_code last_error()
{
    return {errno, std::generic_category()};
}

void make_dir(const std::string& path)
{
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
        throw std::system_error(last_error(), "cannot create " + path);
}

core::Result<std::string, std::error_code> read_all(const core::Root& root, const std::string& relative)
{
    const int fd = root.open(relative, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return core::fail(std::error_code(-fd, std::generic_category()));
    std::string out;
    struct stat st {};
    if (::fstat(fd, &st) == 0)
        out.reserve(static_cast<std::size_t>(st.st_size));
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            auto ec = last_error();
            ::close(fd);
            return core::fail(ec);
        }
        if (n == 0)
            break;
        out.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

std::error_code replace(const core::Root& root, const std::string& relative, std::string_view bytes)
{
    auto [ec, temp] = root.create_temp(relative);
    if (ec)
        return ec;
    if (auto w = core::write_all(temp.fd, bytes)) {
        root.abandon(temp);
        return w;
    }
    return root.commit(temp);  // fsync, rename, fsync the directory
}

std::vector<std::string> list_dir(const std::string& path, bool temps)
{
    std::vector<std::string> names;
    DIR* dir = ::opendir(path.c_str());
    if (!dir)
        return names;
    while (const dirent* d = ::readdir(dir)) {
        const std::string_view name = d->d_name;
        if (temps ? name.substr(0, temp_prefix.size()) == temp_prefix : valid_queue_id(name))
            names.emplace_back(name);
    }
    ::closedir(dir);
    return names;
}

}  // namespace

// The temp file of a message still arriving; dropped with it unless committed.
struct Incoming::File {
    const core::Root& root;
    core::Root::Temp temp;
    explicit File(const core::Root& r) : root(r) {}
    ~File() { root.abandon(temp); }
};

Incoming::Incoming(std::string id, std::unique_ptr<File> file, std::size_t head_size)
    : id_(std::move(id)), file_(std::move(file)), head_size_(head_size)
{
}

Incoming::~Incoming() = default;

std::error_code Incoming::append(std::string_view bytes)
{
    if (!file_)
        return std::make_error_code(std::errc::bad_file_descriptor);
    if (auto ec = core::write_all(file_->temp.fd, bytes))
        return ec;
    size_ += bytes.size();
    return {};
}

std::error_code Incoming::commit()
{
    if (!file_)
        return std::make_error_code(std::errc::bad_file_descriptor);
    const std::string digits = encode_message_size(size_);
    const auto at = static_cast<off_t>(head_size_ - 2 - message_size_digits);
    if (::pwrite(file_->temp.fd, digits.data(), digits.size(), at) != static_cast<ssize_t>(digits.size()))
        return last_error();                          // the file stays a temp file and goes with this object
    const auto ec = file_->root.commit(file_->temp);  // fsync, rename, fsync incoming/; a failure unlinks
    file_->temp = {};
    file_.reset();
    return ec;
}

core::Result<std::string, std::error_code> Incoming::read_content() const
{
    if (!file_)
        return core::fail(std::make_error_code(std::errc::bad_file_descriptor));
    const int fd = ::openat(file_->temp.dir_fd, file_->temp.temp_name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return core::fail(last_error());
    std::string out(size_, '\0');
    std::size_t have = 0;
    while (have < size_) {
        const ssize_t n = ::pread(fd, out.data() + have, size_ - have, static_cast<off_t>(head_size_ + have));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const auto ec = n < 0 ? last_error() : std::make_error_code(std::errc::io_error);
            ::close(fd);
            return core::fail(ec);
        }
        have += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return out;
}

Spool::Spool(const std::string& dir) : dir_(dir)
{
    // The data directory may not exist yet (`--data NEWDIR`): its parents are created too.
    if (const auto parent = std::filesystem::path(dir_).parent_path(); !parent.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(parent, ec);
        if (ec)
            throw std::system_error(ec, "cannot create " + parent.string());
    }
    make_dir(dir_);
    make_dir(dir_ + "/incoming");
    make_dir(dir_ + "/deferred");
    root_ = std::make_unique<core::Root>(dir_);
    // A temp file of another process was never acknowledged (the crash came before its rename):
    // drop it. This process's own are messages still arriving (a reload builds a second Spool).
    const std::string ours = std::string(temp_prefix) + std::to_string(::getpid()) + ".";
    for (const char* sub : {"incoming", "deferred"})
        for (const auto& name : list_dir(dir_ + "/" + sub, true))
            if (!name.starts_with(ours))
                (void)root_->remove(std::string(sub) + "/" + name, false);
}

Spool::~Spool() = default;

std::string Spool::make_id(std::int64_t micros)
{
    static std::atomic<std::uint32_t> counter{0};
    char id[32];
    std::snprintf(id, sizeof id, "%013llX%05X", static_cast<unsigned long long>(micros),
                  static_cast<unsigned>(counter.fetch_add(1) & 0xFFFFF));
    return id;
}

core::Result<std::unique_ptr<Incoming>, std::error_code> Spool::open(const Envelope& envelope,
                                                                     std::int64_t arrival) const
{
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch());
    QueuedMessage message{make_id(micros.count()), arrival, envelope, {}};
    auto head = encode_message_head(message, 0);
    if (!head)
        return core::fail(std::make_error_code(std::errc::invalid_argument));
    auto file = std::make_unique<Incoming::File>(*root_);
    auto [ec, temp] = root_->create_temp("incoming/" + message.id);
    if (ec)
        return core::fail(ec);
    file->temp = temp;
    if (auto w = core::write_all(temp.fd, *head))
        return core::fail(w);  // ~File drops the temp file
    return std::unique_ptr<Incoming>(new Incoming(std::move(message.id), std::move(file), head->size()));
}

core::Result<std::string, std::error_code> Spool::store(const Envelope& envelope, std::string_view content,
                                                        std::int64_t arrival) const
{
    auto incoming = open(envelope, arrival);
    if (!incoming)
        return core::fail(incoming.error());
    if (auto ec = (*incoming)->append(content))
        return core::fail(ec);
    if (auto ec = (*incoming)->commit())
        return core::fail(ec);
    return (*incoming)->id();
}

core::Result<QueuedMessage, std::error_code> Spool::load(std::string_view id) const
{
    if (!valid_queue_id(id))
        return core::fail(std::make_error_code(std::errc::invalid_argument));
    auto bytes = read_all(*root_, "incoming/" + std::string(id));
    if (!bytes)
        return core::fail(bytes.error());
    auto message = decode_message(*bytes);
    if (!message || message->id != id)
        return core::fail(std::make_error_code(std::errc::illegal_byte_sequence));
    return std::move(*message);
}

core::Result<QueueState, std::error_code> Spool::load_state(const QueuedMessage& message) const
{
    auto bytes = read_all(*root_, "deferred/" + message.id);
    if (!bytes) {
        if (bytes.error() == std::errc::no_such_file_or_directory)
            return initial_state(message.envelope.rcpt_to.size());
        return core::fail(bytes.error());
    }
    auto state = decode_state(*bytes, message.envelope.rcpt_to.size());
    if (!state)
        return core::fail(std::make_error_code(std::errc::illegal_byte_sequence));
    return std::move(*state);
}

std::error_code Spool::save_state(std::string_view id, const QueueState& state) const
{
    if (!valid_queue_id(id))
        return std::make_error_code(std::errc::invalid_argument);
    auto bytes = encode_state(state);
    if (!bytes)
        return std::make_error_code(std::errc::invalid_argument);
    return replace(*root_, "deferred/" + std::string(id), *bytes);
}

std::error_code Spool::remove(std::string_view id) const
{
    if (!valid_queue_id(id))
        return std::make_error_code(std::errc::invalid_argument);
    auto ec = root_->remove("deferred/" + std::string(id), false);
    if (ec && ec != std::errc::no_such_file_or_directory)
        return ec;
    ec = root_->remove("incoming/" + std::string(id), false);
    return ec == std::errc::no_such_file_or_directory ? std::error_code() : ec;
}

core::Result<std::vector<std::string>, std::error_code> Spool::scan() const
{
    struct stat st {};
    if (auto ec = root_->stat("incoming", st))
        return core::fail(ec);
    auto ids = list_dir(dir_ + "/incoming", false);
    std::sort(ids.begin(), ids.end());
    return ids;
}

}  // namespace layer7::mail
