// One Maildir: see maildir.hpp. Delivery follows the spec's tmp → new protocol with fsyncs so
// that a message reported as delivered survives a crash (STYLE.md 11).
#include "mail/store/maildir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <atomic>

#include "core/fs/write_all.hpp"
#include "mail/store/line_endings.hpp"
#include "mail/store/maildir_name.hpp"

namespace layer7::mail {

namespace {

std::error_code last_error()
{
    return {errno, std::generic_category()};
}

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
    Fd(const Fd&) = delete;
};

std::error_code fsync_directory(const std::string& path)
{
    Fd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.fd < 0 || ::fsync(dir.fd) != 0)
        return last_error();
    return {};
}

// mkdir -p with each created directory fsync'ed into its parent.
std::error_code make_directories(const std::string& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0)
        return S_ISDIR(st.st_mode) ? std::error_code{} : std::make_error_code(std::errc::not_a_directory);
    const auto slash = path.find_last_of('/');
    const std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    if (auto ec = make_directories(parent))
        return ec;
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
        return last_error();
    return fsync_directory(parent);
}

std::string host_name()
{
    char buffer[256] = {};
    if (::gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0')
        return "localhost";
    return buffer;
}

// Deliveries by this process: the spec's Q<n>, unique together with time and pid.
std::atomic<std::uint64_t> delivery_counter{0};

// Reads the whole file into `out` (its capacity reused): sized by fstat, read straight into place.
bool read_file(const std::string& path, std::string& out, std::error_code& ec)
{
    Fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (file.fd < 0 || ::fstat(file.fd, &st) != 0) {
        ec = last_error();
        return false;
    }
    // One byte more than the size, so a file that is exactly that long ends with one read of 0.
    out.resize(static_cast<std::size_t>(std::max<off_t>(st.st_size, 0)) + 1);
    std::size_t have = 0;
    for (;;) {
        if (have == out.size())  // grew since the fstat
            out.resize(out.size() * 2);
        const ssize_t n = ::read(file.fd, out.data() + have, out.size() - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ec = last_error();
            return false;
        }
        if (n == 0) {
            out.resize(have);
            return true;
        }
        have += static_cast<std::size_t>(n);
    }
}

}  // namespace

std::error_code Maildir::create() const
{
    for (const char* sub : {"/tmp", "/new", "/cur"})
        if (auto ec = make_directories(path_ + sub))
            return ec;
    return {};
}

core::Result<std::string, std::error_code> Maildir::deliver(std::string_view message) const
{
    if (auto ec = create())
        return core::fail(ec);
    const std::string stored = to_lf(message);
    static const std::string host = host_name();
    std::string unique, temp_path;
    int fd = -1;
    for (int attempt = 0; fd < 0; ++attempt) {
        timespec now{};
        ::clock_gettime(CLOCK_REALTIME, &now);
        unique = unique_name(static_cast<std::uint64_t>(now.tv_sec), static_cast<std::uint32_t>(now.tv_nsec / 1000),
                             static_cast<std::uint64_t>(::getpid()), ++delivery_counter, host);
        temp_path = path_ + "/tmp/" + unique;
        fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && (errno != EEXIST || attempt > 10))
            return core::fail(last_error());
    }
    Fd file(fd);
    std::error_code ec = core::write_all(file.fd, stored);
    if (!ec && ::fsync(file.fd) != 0)
        ec = last_error();
    if (!ec && ::close(std::exchange(file.fd, -1)) != 0)
        ec = last_error();
    MaildirName name{unique, stored.size(), crlf_size(stored), false, {}};
    const std::string file_name = format_maildir_name(name);
    const std::string final_path = path_ + "/new/" + file_name;
    // RENAME_NOREPLACE: a name clash must fail rather than replace someone's message.
    if (!ec && ::renameat2(AT_FDCWD, temp_path.c_str(), AT_FDCWD, final_path.c_str(), RENAME_NOREPLACE) != 0)
        ec = last_error();
    if (ec) {
        ::unlink(temp_path.c_str());
        return core::fail(ec);
    }
    if (auto sync = fsync_directory(path_ + "/new")) {
        ::unlink(final_path.c_str());  // not known durable: not delivered, and not delivered twice
        return core::fail(sync);
    }
    return file_name;
}

std::size_t Maildir::remove_stale_temporaries() const
{
    namespace fs = std::filesystem;
    // Our names are SECONDS.M<usec>P<pid>Q<n>.HOST (maildir_name.hpp); HOST as unique_name() escapes it.
    static const std::string sample = unique_name(0, 0, 0, 0, host_name());
    static const std::string host_suffix = sample.substr(sample.find('.', 2));
    const auto now = fs::file_time_type::clock::now();
    std::size_t removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(path_ + "/tmp", ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code ignored;
        const std::string name = it->path().filename().string();
        const auto written = it->last_write_time(ignored);
        bool stale = !ignored && now - written > std::chrono::hours(36);
        const auto p = name.find('P'), q = name.find('Q');
        if (!stale && p != std::string::npos && q != std::string::npos && p < q && name.size() > host_suffix.size() &&
            name.compare(name.size() - host_suffix.size(), host_suffix.size(), host_suffix) == 0) {
            const pid_t pid = static_cast<pid_t>(std::strtol(name.c_str() + p + 1, nullptr, 10));
            stale = pid > 0 && pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH;
        }
        if (stale && it->is_regular_file(ignored) && fs::remove(it->path(), ignored))
            ++removed;
    }
    return removed;
}

core::Result<std::vector<MaildirEntry>, std::error_code> Maildir::list(const KnownSizes* known) const
{
    std::vector<MaildirEntry> out;
    for (const char* folder : {"new", "cur"}) {
        const std::string dir_path = path_ + "/" + folder;
        DIR* dir = ::opendir(dir_path.c_str());
        if (!dir) {
            if (errno == ENOENT)
                continue;  // a mailbox that never received mail
            return core::fail(last_error());
        }
        while (const dirent* d = ::readdir(dir)) {
            auto name = parse_maildir_name(d->d_name);
            if (!name)
                continue;
            MaildirEntry entry{folder, d->d_name, name->unique, uidl_of(name->unique), 0, 0, name->flags};
            if (name->size && name->wire_size) {
                entry.size = *name->size;
                entry.wire_size = *name->wire_size;
            } else if (auto it = known ? known->find(entry.unique) : KnownSizes::const_iterator{};
                       known && it != known->end()) {
                entry.size = it->second.first;
                entry.wire_size = it->second.second;
            } else {  // written by another tool: measure it
                std::string content;
                std::error_code ec;
                if (!read_file(dir_path + "/" + d->d_name, content, ec))
                    continue;  // vanished meanwhile
                entry.size = content.size();
                entry.wire_size = crlf_size(content);
            }
            out.push_back(std::move(entry));
        }
        ::closedir(dir);
    }
    sort_oldest_first(out);
    // readdir while another agent renames a file (a flag change, new/ → cur/) may return it under
    // both names (POSIX leaves it unspecified): one message, listed once, under the name it has now.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (kept > 0 && out[kept - 1].unique == out[i].unique) {
            struct stat st {};
            if (::stat(file_path(out[kept - 1]).c_str(), &st) != 0)
                out[kept - 1] = std::move(out[i]);  // the earlier name is gone: take this one
            continue;
        }
        if (kept != i)
            out[kept] = std::move(out[i]);
        ++kept;
    }
    out.resize(kept);
    return out;
}

void sort_oldest_first(std::vector<MaildirEntry>& entries)
{
    // Each name's time parsed once, not at every comparison (a sync sorts the whole folder).
    std::vector<std::pair<std::uint64_t, std::size_t>> order;
    order.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i)
        order.emplace_back(delivery_time(entries[i].unique), i);
    std::sort(order.begin(), order.end(), [&entries](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : entries[a.second].unique < entries[b.second].unique;
    });
    std::vector<MaildirEntry> sorted;
    sorted.reserve(entries.size());
    for (const auto& [time, i] : order)
        sorted.push_back(std::move(entries[i]));
    entries = std::move(sorted);
}

std::error_code Maildir::relocate(MaildirEntry& entry) const
{
    auto all = list();
    if (!all)
        return all.error();
    for (const auto& e : *all)
        if (e.unique == entry.unique) {
            entry.folder = e.folder;
            entry.file = e.file;
            entry.flags = e.flags;
            return {};
        }
    return std::make_error_code(std::errc::no_such_file_or_directory);
}

core::Result<std::string, std::error_code> Maildir::read(const MaildirEntry& entry) const
{
    std::string content;
    if (auto ec = read(entry, content))
        return core::fail(ec);
    return content;
}

std::error_code Maildir::read(const MaildirEntry& entry, std::string& content) const
{
    std::error_code ec;
    if (read_file(file_path(entry), content, ec))
        return {};
    if (ec != std::errc::no_such_file_or_directory)
        return ec;
    MaildirEntry moved = entry;
    if (auto lost = relocate(moved))
        return lost;
    if (!read_file(file_path(moved), content, ec))
        return ec;
    return {};
}

std::error_code Maildir::set_flags(MaildirEntry& entry, std::string_view flags) const
{
    auto name = parse_maildir_name(entry.file);
    if (!name)
        return std::make_error_code(std::errc::invalid_argument);
    name->has_info = true;
    name->flags = std::string(flags);
    const std::string file = format_maildir_name(*name);
    const std::string target = path_ + "/cur/" + file;
    if (::rename(file_path(entry).c_str(), target.c_str()) != 0) {
        if (errno != ENOENT)
            return last_error();
        if (auto lost = relocate(entry))
            return lost;
        if (::rename(file_path(entry).c_str(), target.c_str()) != 0)
            return last_error();
    }
    entry.folder = "cur";
    entry.file = file;
    entry.flags = parse_maildir_name(file)->flags;  // as the name holds them: sorted, once each
    return {};
}

std::error_code Maildir::remove(const MaildirEntry& entry) const
{
    return remove(std::vector<const MaildirEntry*>{&entry}).front();
}

std::vector<std::error_code> Maildir::remove(const std::vector<const MaildirEntry*>& entries) const
{
    std::vector<std::error_code> out(entries.size());
    std::vector<std::string> folders(entries.size());  // where each was unlinked ("": nowhere)
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const MaildirEntry& entry = *entries[i];
        if (::unlink(file_path(entry).c_str()) == 0) {
            folders[i] = entry.folder;
            continue;
        }
        if (errno != ENOENT) {
            out[i] = last_error();
            continue;
        }
        MaildirEntry moved = entry;
        if (relocate(moved))
            continue;  // already gone
        if (::unlink(file_path(moved).c_str()) != 0 && errno != ENOENT)
            out[i] = last_error();
        else
            folders[i] = moved.folder;
    }
    for (const char* folder : {"new", "cur"}) {  // one fsync per directory, for every unlink in it
        if (std::find(folders.begin(), folders.end(), folder) == folders.end())
            continue;
        if (auto ec = fsync_directory(path_ + "/" + folder))
            for (std::size_t i = 0; i < entries.size(); ++i)
                if (folders[i] == folder)
                    out[i] = ec;
    }
    return out;
}

}  // namespace layer7::mail
