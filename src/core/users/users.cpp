// Users file: see users.hpp.
#include "core/users/users.hpp"

#include <crypt.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include <openssl/crypto.h>

#include "core/config/config.hpp"

namespace layer7::core {

bool valid_user_name(std::string_view name)
{
    if (name.empty() || name.size() > 64)
        return false;
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
            return false;
    return true;
}

Result<Users, std::string> Users::parse(std::string_view text, const std::string& file_name)
{
    Users users;
    int line_no = 0;
    while (!text.empty()) {
        ++line_no;
        auto lf = text.find('\n');
        std::string_view line = text.substr(0, lf);
        text = lf == std::string_view::npos ? std::string_view{} : text.substr(lf + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty() || line.front() == '#')
            continue;
        auto where = [&](const std::string& m) { return file_name + ":" + std::to_string(line_no) + ": " + m; };
        auto c1 = line.find(':');
        if (c1 == std::string_view::npos)
            return fail(where("expected name:hash"));
        User u;
        u.name = std::string(line.substr(0, c1));
        if (!valid_user_name(u.name))
            return fail(where("bad user name '" + u.name + "'"));
        std::string_view rest = line.substr(c1 + 1);
        auto c2 = rest.find(':');
        u.hash = std::string(rest.substr(0, c2));
        if (u.hash.empty())
            return fail(where("empty password hash for " + u.name));
        if (c2 != std::string_view::npos) {
            std::string_view attrs = rest.substr(c2 + 1);
            while (!attrs.empty()) {
                auto comma = attrs.find(',');
                std::string_view kv = attrs.substr(0, comma);
                attrs = comma == std::string_view::npos ? std::string_view{} : attrs.substr(comma + 1);
                auto eq = kv.find('=');
                if (eq == std::string_view::npos || eq == 0)
                    return fail(where("expected key=value in attributes"));
                u.attrs[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
            }
        }
        if (users.find(u.name))
            return fail(where("duplicate user " + u.name));
        users.users_.push_back(std::move(u));
    }
    return users;
}

Result<Users, std::string> Users::load(const std::string& path)
{
    if (::access(path.c_str(), F_OK) != 0)
        return Users{};
    auto text = read_text_file(path);
    if (!text)
        return fail("cannot read " + path);
    return parse(*text, path);
}

const User* Users::find(std::string_view name) const
{
    for (const auto& u : users_)
        if (u.name == name)
            return &u;
    return nullptr;
}

bool Users::verify(std::string_view name, std::string_view password) const
{
    const User* u = find(name);
    if (!u) {
        // Spend the same time as a real check so timing does not reveal which names exist.
        static const std::string decoy = hash_password("decoy");
        check_password(password, decoy);
        return false;
    }
    return check_password(password, u->hash);
}

void Users::set(User user)
{
    for (auto& u : users_)
        if (u.name == user.name) {
            u = std::move(user);
            return;
        }
    users_.push_back(std::move(user));
}

bool Users::remove(std::string_view name)
{
    auto before = users_.size();
    std::erase_if(users_, [&](const User& u) { return u.name == name; });
    return users_.size() != before;
}

std::string Users::to_text() const
{
    std::string out;
    for (const auto& u : users_) {
        out += u.name + ":" + u.hash;
        if (!u.attrs.empty()) {
            out += ":";
            bool first = true;
            for (const auto& [k, v] : u.attrs) {
                if (!first)
                    out += ",";
                out += k + "=" + v;
                first = false;
            }
        }
        out += "\n";
    }
    return out;
}

std::optional<std::string> Users::save(const std::string& path) const
{
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return "cannot create " + tmp + ": " + std::strerror(errno);
    const std::string text = to_text();
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ok = (::close(fd) == 0) && ok;
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return "cannot write " + path + ": " + std::strerror(errno);
    }
    return std::nullopt;
}

std::string hash_password(std::string_view password)
{
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$y$", 0, nullptr, 0, salt, sizeof salt))
        throw std::runtime_error("crypt_gensalt failed");
    crypt_data data{};
    const std::string pw(password);
    const char* hash = crypt_rn(pw.c_str(), salt, &data, sizeof data);
    if (!hash || hash[0] == '*')
        throw std::runtime_error("crypt failed");
    return hash;
}

bool check_password(std::string_view password, const std::string& hash)
{
    crypt_data data{};
    const std::string pw(password);
    const char* computed = crypt_rn(pw.c_str(), hash.c_str(), &data, sizeof data);
    if (!computed || computed[0] == '*')
        return false;
    const std::size_t n = std::strlen(computed);
    return n == hash.size() && CRYPTO_memcmp(computed, hash.data(), n) == 0;
}

}  // namespace layer7::core
