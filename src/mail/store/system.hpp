// mail::System: what SMTP, POP3, IMAP and web mail share inside one process — the users file
// (loaded once for all of them, read again when it changes on disk or at SIGHUP), the mail store,
// and a notice of each local delivery. `layer7 up` builds one per users file and mail root and
// hands it to every mail service; `layer7 smtp|pop3|imap serve` each build their own.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>

#include "core/users/users.hpp"
#include "mail/store/accounts.hpp"
#include "mail/store/store.hpp"

namespace layer7::mail {

// One load of the users file. Lines without `domain=` belong to the asking service's default
// domain (each [[smtp]] server's first domain, `domain` of [pop3], [imap] and [webmail]).
class UsersSnapshot {
public:
    explicit UsersSnapshot(core::Users users) : users_(std::move(users)) {}
    const core::Users& users() const { return users_; }
    // Built on first use per default domain and kept with the snapshot.
    const Accounts& accounts(std::string_view default_domain) const;

private:
    core::Users users_;
    mutable std::mutex mutex_;
    mutable std::map<std::string, Accounts, std::less<>> accounts_;
};

class System {
public:
    System(std::string users_path, std::string mail_root);
    System(const System&) = delete;

    const std::string& users_path() const { return users_path_; }
    const Store& store() const { return store_; }

    // The users file as last read. It is read again when its size, mtime or inode changed (so
    // `layer7 user add` applies at once) or after reload(); a file that no longer parses is
    // logged and the last good one kept.
    std::shared_ptr<const UsersSnapshot> users() const;
    // SIGHUP: the next users() reads the file even if it looks unchanged. Every service sharing
    // the System calls this from its reload hook; the file is still read only once.
    void reload();

    // The account behind `login` ("bob" or "bob@domain") when `password` is right. An unknown name
    // costs one hash too, so timing does not tell which names exist.
    std::optional<Account> login(std::string_view login, std::string_view password,
                                 std::string_view default_domain) const;

    // Store::deliver, then every listener of DOMAIN/USER is told (on this thread) once the message
    // is durable in its new/.
    std::error_code deliver(std::string_view domain, std::string_view user, std::string_view message) const;
    // `on_delivered` runs after each deliver() to DOMAIN/USER until the handle is dropped. It runs
    // on the delivering thread under the System's lock: post elsewhere, do not block.
    std::shared_ptr<void> listen(std::string_view domain, std::string_view user,
                                 std::function<void()> on_delivered) const;

private:
    using Stamp = std::tuple<std::int64_t, long, std::int64_t, std::uint64_t>;  // mtime s, ns, size, inode
    struct Listener {
        std::string mailbox;  // "domain/user", domain in lower case
        std::function<void()> on_delivered;
    };

    std::string users_path_;
    Store store_;
    std::string dummy_hash_;  // checked for unknown names: one hash for every service

    mutable std::mutex users_mutex_;
    mutable std::shared_ptr<const UsersSnapshot> users_;
    mutable Stamp stamp_{};
    mutable bool stale_ = false;

    mutable std::mutex listeners_mutex_;
    mutable std::map<std::uint64_t, Listener> listeners_;
    mutable std::uint64_t next_listener_ = 1;
};

}  // namespace layer7::mail
