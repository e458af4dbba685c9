// Demo users: see users.hpp.
#include "demo/users.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include <openssl/rand.h>

#include "core/config/config.hpp"
#include "core/users/users.hpp"

namespace layer7::demo {
namespace {

std::string random_password()
{
    static constexpr char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";  // no 0/O, 1/l
    unsigned char bytes[12];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        throw std::runtime_error("no randomness for the demo passwords");
    std::string out;
    for (unsigned char b : bytes)
        out.push_back(alphabet[b % 32]);
    return out;
}

void write_private(const std::string& path, const std::string& text)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()) || ::fsync(fd) != 0) {
        if (fd >= 0)
            ::close(fd);
        throw std::runtime_error("cannot write " + path);
    }
    ::close(fd);
}

struct User {
    std::string address;        // alice@crepes.fr
    std::string password;       // "" when the account predates the password file
    std::string password_file;  // DATA/passwords/alice
};

// "mail user alice@crepes.fr       password PW  (FILE)", as `up` has always printed it.
std::string describe(const User& u)
{
    std::string address = u.address;
    address.resize(std::max<std::size_t>(address.size(), 20), ' ');  // printf's %-20s
    return "mail user " + address + " password " + (u.password.empty() ? "(set earlier)" : u.password) + "  (" +
           u.password_file + ")";
}

}  // namespace

std::vector<std::string> add_mail_users(const std::string& users_path, const std::string& data_dir)
{
    static const std::pair<const char*, const char*> demo[] = {{"alice", "crepes.fr"}, {"bob", "hamburger.edu"}};
    auto users = core::Users::load(users_path);
    if (!users)
        throw std::runtime_error(users.error());
    ::mkdir(data_dir.c_str(), 0700);
    const std::string dir = data_dir + "/passwords";
    ::mkdir(dir.c_str(), 0700);
    std::vector<std::string> out;
    bool changed = false;
    for (const auto& [name, domain] : demo) {
        User d{std::string(name) + "@" + domain, {}, dir + "/" + name};
        if (!users->find(name)) {
            d.password = random_password();
            write_private(d.password_file, d.password + "\n");
            users->set({name, core::hash_password(d.password), {{"domain", domain}}});
            changed = true;
        } else if (auto text = core::read_text_file(d.password_file)) {
            d.password = text->substr(0, text->find('\n'));
        }
        out.push_back(describe(d));
    }
    if (changed)
        if (auto error = users->save(users_path))
            throw std::runtime_error(*error);
    return out;
}

}  // namespace layer7::demo
