// The demo mail users of `layer7 up` (DESIGN.md §5): alice@crepes.fr and bob@hamburger.edu, with
// random passwords kept in DATA/passwords/NAME (mode 0600) so they can be printed at every start.
#pragma once

#include <string>
#include <vector>

namespace layer7::demo {

// Adds the missing demo users to the users file (name:HASH:domain=D) and returns one line per user
// for `up` to print: address, password ("(set earlier)" when the account predates the password
// file) and the password file. Throws std::runtime_error. The [smtp] service runs it at start when
// demo_users is on (mail::mta::Config::add_demo_users).
std::vector<std::string> add_mail_users(const std::string& users_path, const std::string& data_dir);

}  // namespace layer7::demo
