// A folder's UIDs: see folder_index.hpp.
#include "mail/store/folder_index.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <unordered_map>
#include <unordered_set>

#include "mail/store/maildir_name.hpp"
#include "mail/store/uid_list.hpp"

namespace layer7::mail {

namespace {

std::error_code last_error()
{
    return {errno, std::generic_category()};
}

class FileLock {  // flock(LOCK_EX) for one sync; each holder opens its own description
public:
    explicit FileLock(const std::string& path) : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600))
    {
        while (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {}
    }
    ~FileLock()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    FileLock(const FileLock&) = delete;
    bool held() const { return fd_ >= 0; }

private:
    int fd_;
};

std::string read_small_file(const std::string& path)
{
    std::string out;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return out;
    char buffer[65536];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) != 0;) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        out.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

std::error_code write_durably(const std::string& dir, const std::string& name, const std::string& text)
{
    const std::string temp = dir + "/" + name + ".tmp", final_path = dir + "/" + name;
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return last_error();
    std::error_code ec;
    std::string_view rest = text;
    while (!ec && !rest.empty()) {
        const ssize_t n = ::write(fd, rest.data(), rest.size());
        if (n < 0 && errno != EINTR)
            ec = last_error();
        else if (n > 0)
            rest.remove_prefix(static_cast<std::size_t>(n));
    }
    if (!ec && ::fsync(fd) != 0)
        ec = last_error();
    ::close(fd);
    if (!ec && ::rename(temp.c_str(), final_path.c_str()) != 0)
        ec = last_error();
    if (ec) {
        ::unlink(temp.c_str());
        return ec;
    }
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

// A UIDVALIDITY for a rebuilt list: the time, but never the value a readable old list had, so
// clients holding old UIDs see the change even within one second.
std::uint32_t fresh_validity(std::uint32_t old)
{
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    auto v = static_cast<std::uint32_t>(now.tv_sec);
    if (v <= old)
        v = old + 1;
    return v == 0 ? 1 : v;
}

// readdir may miss a file another agent renames (a flag change) while it reads; a message the UID
// list knows is forgotten only when it is missing from `relists` more listings too, or it would
// come back under a new UID: lost and duplicated for every client. Listings are redone only while
// a known message is missing; an agent that renames without pause (the unit test's) made 2 too few
// on a loaded machine about once in ten runs.
constexpr int relists = 8;

std::error_code find_renamed(const Maildir& box, const UidList& list, const KnownSizes& sizes,
                             std::vector<MaildirEntry>& listed)
{
    std::unordered_set<std::string_view> present;
    for (const auto& e : listed)
        present.insert(e.unique);
    std::unordered_set<std::string> missing;
    for (const auto& e : list.entries)
        if (!present.count(e.unique))
            missing.insert(e.unique);
    bool added = false;
    for (int i = 0; i < relists && !missing.empty(); ++i) {
        auto again = box.list(&sizes);
        if (!again)
            return again.error();
        for (auto& e : *again)
            if (missing.erase(e.unique)) {
                listed.push_back(std::move(e));
                added = true;
            }
    }
    if (added)
        sort_oldest_first(listed);
    return {};
}

constexpr const char* list_file = "layer7-uidlist";
constexpr const char* validity_file = "layer7-uidvalidity";

// One sync's outcome before it is saved: the folder, the list that describes it (entries parallel to
// state.messages) and whether the list on disk differs.
struct Synced {
    FolderState state;
    UidList list;
    bool changed = false;
};

// Flags as a listing reports them (sorted, once each), and as the list keeps them (list_flags).
std::string canonical_flags(std::string_view flags)
{
    std::string out = list_flags(flags);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// The next mod-sequence for `list`; errc::value_too_large past 2^63 - 1 (delete the list to restart).
core::Result<std::uint64_t, std::error_code> raise_modseq(UidList& list)
{
    if (list.highest_modseq >= max_modseq)
        return core::fail(std::make_error_code(std::errc::value_too_large));
    return ++list.highest_modseq;
}

// sync_folder() with the lock held and without the save.
core::Result<Synced, std::error_code> sync_locked(const Maildir& box)
{
    const std::string text = read_small_file(box.path() + "/" + list_file);
    auto list = decode_uid_list(text);
    KnownSizes sizes;  // views into `list`, used before its entries move
    if (list)
        for (const auto& e : list->entries)
            if (e.wire_size > 0)
                sizes.emplace(e.unique, std::pair{e.size, e.wire_size});
    auto listed = box.list(&sizes);
    if (!listed)
        return core::fail(listed.error());
    if (list)
        if (auto ec = find_renamed(box, *list, sizes, *listed))
            return core::fail(ec);
    Synced out;
    if (!list) {
        // Lost or corrupt: every message gets a new UID under a new UIDVALIDITY, above the last one
        // handed out here (kept beside the list), so even a rebuild within the same second differs.
        const std::string last = read_small_file(box.path() + "/" + validity_file);
        const auto validity = fresh_validity(static_cast<std::uint32_t>(std::strtoul(last.c_str(), nullptr, 10)));
        if (auto ec = write_durably(box.path(), validity_file, std::to_string(validity) + "\n"))
            return core::fail(ec);
        list = UidList{validity, 1, 1, 1, {}, {}};
        out.changed = true;
    }
    if (list->highest_modseq == 0) {  // a version 1 list: today's flags are where modseqs begin
        list->highest_modseq = list->vanished_floor = 1;
        out.changed = true;
    }
    std::unordered_map<std::string_view, std::size_t> by_unique;
    for (std::size_t i = 0; i < listed->size(); ++i)
        by_unique.emplace((*listed)[i].unique, i);
    std::vector<bool> known(listed->size(), false);
    FolderState& state = out.state;
    UidList& kept = out.list;
    kept =
        UidList{list->validity, list->next, list->highest_modseq, list->vanished_floor, {}, std::move(list->vanished)};
    std::vector<std::size_t> touched;  // kept entries that get the next mod-sequence
    std::vector<Vanished> expunged;    // runs of neighbours in the list that are gone
    bool previous_gone = false;
    for (auto& e : list->entries) {
        auto it = by_unique.find(e.unique);
        const bool gone = it == by_unique.end() || known[it->second];
        if (gone) {  // expunged, or deleted by POP3 or another tool
            if (previous_gone)
                expunged.back().last = e.uid;
            else
                expunged.push_back({e.uid, e.uid, 0});
        }
        previous_gone = gone;
        if (gone)
            continue;
        known[it->second] = true;
        const MaildirEntry& found = (*listed)[it->second];
        if (e.wire_size != found.wire_size) {  // measured now: remembered from here on
            e.size = found.size;
            e.wire_size = found.wire_size;
            out.changed = true;
        }
        const std::string flags = list_flags(found.flags);
        if (e.modseq == 0) {  // from a version 1 list
            e.modseq = 1;
            e.flags = flags;
            out.changed = true;
        } else if (e.flags != flags) {  // renamed since: by us, POP3, web mail or a Maildir tool
            e.flags = flags;
            touched.push_back(kept.entries.size());
        }
        state.messages.push_back({e.uid, found, e.modseq});
        kept.entries.push_back(std::move(e));
    }
    for (std::size_t i = 0; i < listed->size(); ++i) {  // listed is oldest first
        if (known[i])
            continue;
        if (kept.next == UINT32_MAX)  // RFC 3501: UIDs are 32-bit; delete the list to renumber
            return core::fail(std::make_error_code(std::errc::value_too_large));
        const std::uint32_t uid = kept.next++;
        touched.push_back(kept.entries.size());
        state.messages.push_back({uid, (*listed)[i], 0});
        kept.entries.push_back(
            {uid, (*listed)[i].unique, (*listed)[i].size, (*listed)[i].wire_size, 0, list_flags((*listed)[i].flags)});
    }
    if (!touched.empty() || !expunged.empty()) {
        auto modseq = raise_modseq(kept);
        if (!modseq)
            return core::fail(modseq.error());
        for (std::size_t i : touched)
            state.messages[i].modseq = kept.entries[i].modseq = *modseq;
        for (auto& v : expunged) {  // RFC 7162 §3.2: the expunged UIDs keep the expunge's mod-sequence
            v.modseq = *modseq;
            kept.vanished.push_back(v);
        }
        if (kept.vanished.size() > max_vanished) {  // forget the oldest; older questions get every gap
            const auto drop = kept.vanished.size() - max_vanished;
            kept.vanished_floor = kept.vanished[drop - 1].modseq;
            kept.vanished.erase(kept.vanished.begin(), kept.vanished.begin() + static_cast<std::ptrdiff_t>(drop));
        }
        out.changed = true;
    }
    state.validity = kept.validity;
    state.next = kept.next;
    state.highest_modseq = kept.highest_modseq;
    return out;
}

// Runs `then` on a sync made under the folder's lock, and saves the list if either changed it.
template <class Then>
auto with_synced(const Maildir& box, Then&& then) -> decltype(then(std::declval<Synced&>()))
{
    if (auto ec = box.create())
        return core::fail(ec);
    FileLock lock(box.path() + "/.layer7-uidlist.lock");
    if (!lock.held())
        return core::fail(last_error());
    auto synced = sync_locked(box);
    if (!synced)
        return core::fail(synced.error());
    auto result = then(*synced);
    if (synced->changed)  // even when `then` failed half-way: what it did is on disk
        if (auto ec = write_durably(box.path(), list_file, encode_uid_list(synced->list)))
            return core::fail(ec);
    return result;
}

}  // namespace

core::Result<FolderState, std::error_code> sync_folder(const Maildir& box)
{
    return with_synced(box, [](Synced& s) -> core::Result<FolderState, std::error_code> { return std::move(s.state); });
}

core::Result<FolderState, std::error_code> update_flags(const Maildir& box, const FlagDecision& decide)
{
    return with_synced(box, [&](Synced& s) -> core::Result<FolderState, std::error_code> {
        auto& [state, list, changed] = s;
        std::vector<std::size_t> renamed;
        std::error_code failed;
        for (std::size_t i = 0; i < state.messages.size() && !failed; ++i) {
            IndexedMessage& m = state.messages[i];
            auto flags = decide(m);
            if (!flags || canonical_flags(*flags) == list.entries[i].flags)
                continue;  // the same flags in any order are no change, and get no new mod-sequence
            if (auto ec = box.set_flags(m.entry, *flags)) {
                if (ec != std::errc::no_such_file_or_directory)  // gone meanwhile: its expunge comes next sync
                    failed = ec;
                continue;
            }
            list.entries[i].flags = list_flags(m.entry.flags);
            renamed.push_back(i);
        }
        if (!renamed.empty()) {
            auto modseq = raise_modseq(list);
            if (!modseq)
                return core::fail(modseq.error());
            for (std::size_t i : renamed)
                state.messages[i].modseq = list.entries[i].modseq = *modseq;
            state.highest_modseq = list.highest_modseq;
            changed = true;
        }
        if (failed)
            return core::fail(failed);
        return std::move(state);
    });
}

core::Result<std::vector<Vanished>, std::error_code> expunged_since(const Maildir& box, std::uint64_t since)
{
    return with_synced(box, [since](Synced& s) -> core::Result<std::vector<Vanished>, std::error_code> {
        return vanished_since(s.list, since);
    });
}

core::Result<std::uint32_t, std::error_code> append_message(const Maildir& box, std::string_view message,
                                                            std::string_view flags, std::int64_t date)
{
    auto file = box.deliver(message);
    if (!file)
        return core::fail(file.error());
    auto name = parse_maildir_name(*file);
    MaildirEntry entry{"new", *file, name ? name->unique : *file, "", 0, 0, ""};
    if (!flags.empty())
        if (auto ec = box.set_flags(entry, flags))
            return core::fail(ec);
    if (date > 0) {
        const std::string path = box.path() + "/" + entry.folder + "/" + entry.file;
        timespec times[2] = {{date, 0}, {date, 0}};
        ::utimensat(AT_FDCWD, path.c_str(), times, 0);
    }
    auto state = sync_folder(box);
    if (!state)
        return core::fail(state.error());
    for (const auto& m : state->messages)
        if (m.entry.unique == entry.unique)
            return m.uid;
    return core::fail(std::make_error_code(std::errc::no_such_file_or_directory));
}

std::int64_t internal_date(const Maildir& box, const MaildirEntry& entry)
{
    struct stat st {};
    const std::string path = box.path() + "/" + entry.folder + "/" + entry.file;
    if (::stat(path.c_str(), &st) == 0)
        return st.st_mtime;
    return static_cast<std::int64_t>(delivery_time(entry.unique) / 1000000);
}

}  // namespace layer7::mail
