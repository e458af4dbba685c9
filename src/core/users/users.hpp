// The users file shared by mail (SMTP AUTH, POP3, IMAP) and FTP: one `name:crypt-hash` line per
// user, the same hashes as /etc/shadow (yescrypt by default), optional `:key=value,…` attributes
// (e.g. an FTP root or write permission). Comments (#) and blank lines are allowed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace layer7::core {

struct User {
    std::string name;
    std::string hash;                          // crypt(3) format: $y$…, $6$…
    std::map<std::string, std::string> attrs;  // third field, comma-separated key=value
};

class Users {
public:
    // Parses the file text; an error names `file:line: message`.
    static Result<Users, std::string> parse(std::string_view text, const std::string& file_name);
    // Reads and parses a file; a missing file is an empty user list.
    static Result<Users, std::string> load(const std::string& path);

    const User* find(std::string_view name) const;
    // True when `name` exists and `password` matches its hash (constant-time compare).
    bool verify(std::string_view name, std::string_view password) const;
    const std::vector<User>& all() const { return users_; }

    // Edits, in memory.
    void set(User user);
    bool remove(std::string_view name);
    std::string to_text() const;
    // Writes atomically: temp file, fsync, rename.
    std::optional<std::string> save(const std::string& path) const;

private:
    std::vector<User> users_;
};

// A fresh yescrypt hash of `password` with a random salt.
std::string hash_password(std::string_view password);
// Checks `password` against a crypt(3) hash.
bool check_password(std::string_view password, const std::string& hash);
// A user name that fits the file and every protocol: [A-Za-z0-9._-], 1..64 bytes.
bool valid_user_name(std::string_view name);

}  // namespace layer7::core
