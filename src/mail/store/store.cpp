// Every local mailbox: see store.hpp.
#include "mail/store/store.hpp"

#include <filesystem>

#include "mail/store/accounts.hpp"

namespace layer7::mail {

bool safe_path_component(std::string_view name)
{
    if (name.empty() || name.size() > 255 || name.front() == '.')
        return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    return true;
}

core::Result<Maildir, std::error_code> Store::mailbox(std::string_view domain, std::string_view user) const
{
    if (!safe_path_component(domain) || !safe_path_component(user))
        return core::fail(std::make_error_code(std::errc::invalid_argument));
    return Maildir(root_ + "/" + lower_domain(domain) + "/" + std::string(user));
}

std::error_code Store::deliver(std::string_view domain, std::string_view user, std::string_view message) const
{
    auto box = mailbox(domain, user);
    if (!box)
        return box.error();
    auto delivered = box->deliver(message);
    return delivered ? std::error_code{} : delivered.error();
}

std::size_t Store::remove_stale_temporaries() const
{
    namespace fs = std::filesystem;
    std::size_t removed = 0;
    std::error_code ec;
    for (fs::directory_iterator domain(root_, ec), end; !ec && domain != end; domain.increment(ec)) {
        std::error_code inner;
        for (fs::directory_iterator user(domain->path(), inner); !inner && user != end; user.increment(inner))
            if (user->is_directory(inner))
                removed += Maildir(user->path().string()).remove_stale_temporaries();
    }
    return removed;
}

}  // namespace layer7::mail
