// The demo mail users of `layer7 up` (DESIGN.md §5): alice@crepes.fr and bob@hamburger.edu, with
// random passwords kept in DATA/passwords/NAME (mode 0600) so they can be printed at every start.
#pragma once

#include <string>
#include <vector>

namespace layer7::smtp {

struct DemoUser {
    std::string address;        // alice@crepes.fr
    std::string password;       // "" when the account predates the password file
    std::string password_file;  // DATA/passwords/alice
};

// Adds the missing demo users to the users file (name:HASH:domain=D); throws std::runtime_error.
std::vector<DemoUser> ensure_demo_users(const std::string& users_path, const std::string& data_dir);

}  // namespace layer7::smtp
