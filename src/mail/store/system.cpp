// The mail system shared by the mail services: see system.hpp.
#include "mail/store/system.hpp"

#include <sys/stat.h>

#include <spdlog/spdlog.h>

namespace layer7::mail {

const Accounts& UsersSnapshot::accounts(std::string_view default_domain) const
{
    std::lock_guard lock(mutex_);
    auto it = accounts_.find(default_domain);
    if (it == accounts_.end())
        it = accounts_.emplace(std::string(default_domain), Accounts(users_, std::string(default_domain))).first;
    return it->second;  // map nodes stay put: the reference lives as long as the snapshot
}

System::System(std::string users_path, std::string mail_root)
    : users_path_(std::move(users_path)), store_(std::move(mail_root)),
      dummy_hash_(core::hash_password("layer7-no-such-user"))
{
}

std::shared_ptr<const UsersSnapshot> System::users() const
{
    struct stat st {};
    const Stamp stamp = ::stat(users_path_.c_str(), &st) == 0
                            ? Stamp{st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_size, st.st_ino}
                            : Stamp{0, 0, -1, 0};
    std::lock_guard lock(users_mutex_);
    if (users_ && !stale_ && stamp == stamp_)
        return users_;
    stamp_ = stamp;
    stale_ = false;
    auto loaded = core::Users::load(users_path_);
    if (loaded)
        users_ = std::make_shared<const UsersSnapshot>(std::move(*loaded));
    else if (spdlog::error("mail: {}", loaded.error()); !users_)  // logged once per change of the file
        users_ = std::make_shared<const UsersSnapshot>(core::Users());
    return users_;  // on an error, the last good file
}

void System::reload()
{
    std::lock_guard lock(users_mutex_);
    stale_ = true;
}

std::optional<Account> System::login(std::string_view login, std::string_view password,
                                     std::string_view default_domain) const
{
    const auto snapshot = users();
    auto account = snapshot->accounts(default_domain).find_login(login);
    if (!account) {
        (void)core::check_password(password, dummy_hash_);  // same cost for unknown names
        return std::nullopt;
    }
    if (!snapshot->users().verify(account->user, password))
        return std::nullopt;
    return account;
}

std::error_code System::deliver(std::string_view domain, std::string_view user, std::string_view message) const
{
    if (auto ec = store_.deliver(domain, user, message))
        return ec;
    const std::string mailbox = lower_domain(domain) + "/" + std::string(user);
    std::lock_guard lock(listeners_mutex_);
    for (const auto& [id, listener] : listeners_)
        if (listener.mailbox == mailbox)
            listener.on_delivered();
    return {};
}

std::shared_ptr<void> System::listen(std::string_view domain, std::string_view user,
                                     std::function<void()> on_delivered) const
{
    std::lock_guard lock(listeners_mutex_);
    const std::uint64_t id = next_listener_++;
    listeners_.emplace(id, Listener{lower_domain(domain) + "/" + std::string(user), std::move(on_delivered)});
    // Not null, so a holder can test it. Its holders (connections of the services that hold the
    // System) end before the System does.
    return std::shared_ptr<std::uint64_t>(new std::uint64_t(id), [this](std::uint64_t* listener) {
        {
            std::lock_guard lock(listeners_mutex_);
            listeners_.erase(*listener);
        }
        delete listener;
    });
}

}  // namespace layer7::mail
