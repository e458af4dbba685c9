// The [ftp] service: config section, default root (DATA/ftp with a README), users, TLS, listener.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "core/fs/temporaries.hpp"
#include "core/net/listen_config.hpp"
#include "core/net/resolve.hpp"
#include "core/net/tls_config.hpp"
#include "core/runtime/listen.hpp"
#include "core/runtime/runtime.hpp"
#include "ftp/server.hpp"

namespace layer7::ftp {

bool parse_port_range(std::string_view text, std::uint16_t& low, std::uint16_t& high)
{
    const auto dash = text.find('-');
    if (dash == std::string_view::npos)
        return false;
    auto num = [](std::string_view s, std::uint16_t& out) {
        if (s.empty() || s.size() > 5)
            return false;
        unsigned v = 0;
        for (char c : s) {
            if (c < '0' || c > '9')
                return false;
            v = v * 10 + static_cast<unsigned>(c - '0');
        }
        if (v == 0 || v > 65535)
            return false;
        out = static_cast<std::uint16_t>(v);
        return true;
    };
    return num(text.substr(0, dash), low) && num(text.substr(dash + 1), high) && low <= high;
}

Config parse_config(core::Section s, const std::string& data_dir)
{
    Config c;
    c.data_dir = data_dir;
    core::parse_service_keys(s, c.enabled, c.listen, c.limits);
    c.root = s.string("root", c.root);
    c.anonymous = s.boolean("anonymous", c.anonymous);
    c.users_file = s.string("users", c.users_file);
    const std::string range = s.string("pasv_ports", "");
    if (!range.empty() && !parse_port_range(range, c.pasv_min, c.pasv_max))
        s.error("pasv_ports", "expected LOW-HIGH, e.g. \"50000-50100\"");
    c.pasv_address = s.string("pasv_address", c.pasv_address);
    if (!c.pasv_address.empty()) {
        const auto ip = parse_ip(c.pasv_address);
        if (!ip || !ip->is_v4() || c.pasv_address == "0.0.0.0")
            s.error("pasv_address", "expected the IPv4 address clients reach this server on");
    }
    c.tls = s.boolean("tls", c.tls);
    core::parse_tls_keys(s, c.tls_cert, c.tls_key, c.tls_ciphers);
    c.tls_dev_certificate = s.boolean("tls_dev_certificate", c.tls_dev_certificate);
    s.require_directory("root", c.root);
    s.require_readable_file("users", c.users_file);
    c.data_timeout = s.seconds("data_timeout", c.data_timeout);
    c.pasv_timeout = s.seconds("pasv_timeout", c.pasv_timeout);
    s.finish();
    return c;
}

namespace {

constexpr const char* readme = R"(Welcome to layer7's anonymous FTP area.

This directory is served read-only to the user "anonymous" (any password). Try:
    layer7 ftp ls ftp://127.0.0.1:2121/
    layer7 ftp get ftp://127.0.0.1:2121/README.txt
    curl ftp://127.0.0.1:2121/README.txt
Files you put here appear in the listing at once.
)";

// DATA/ftp with a README.txt, made on first start.
std::string default_root(const std::string& data_dir)
{
    const std::string dir = data_dir + "/ftp";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throw core::StartError("ftp: cannot create " + dir + ": " + ec.message());
    const std::string file = dir + "/README.txt";
    if (!std::filesystem::exists(file, ec)) {
        std::ofstream out(file);
        out << readme;
    }
    return dir;
}

class Service final : public core::Service {
public:
    explicit Service(Config config) { shared_.config = std::move(config); }

    std::vector<core::ServiceRow> start(core::Runtime& runtime) override
    {
        Config& c = shared_.config;
        shared_.blocking = &runtime.blocking();
        const std::string root = c.root.empty() ? default_root(c.data_dir) : c.root;
        try {
            shared_.root = std::make_shared<core::Root>(root);
        } catch (const std::exception& e) {
            throw core::StartError("ftp: root " + root + ": " + e.what());
        }
        if (!c.users_file.empty()) {
            auto users = core::Users::load(c.users_file);
            if (!users)
                throw core::StartError("ftp: " + users.error());
            shared_.users = std::move(*users);
        }
        remove_stale_uploads(root);
        if (c.tls && (!c.tls_cert.empty() || c.tls_dev_certificate)) {
            try {
                shared_.tls = core::make_configured_server_tls(c.tls_cert, c.tls_key, c.tls_ciphers, c.data_dir);
            } catch (const std::exception& e) {
                throw core::StartError(std::string("ftp: TLS: ") + e.what());
            }
        }
        shared_.policy.anonymous = c.anonymous;
        shared_.policy.tls_available = shared_.tls != nullptr;
        if (!c.pasv_address.empty())
            shared_.policy.pasv_address = parse_ip(c.pasv_address);

        const auto where = core::to_string(c.listen);
        core::listen_tcp_or_throw(runtime, "ftp", c.listen,
                                  core::Admission(c.limits, "421 Too many connections from your address.\r\n"),
                                  [this](core::TcpSocket s) { return serve_connection(std::move(s), shared_); });
        const std::string url = "ftp://" + core::to_string(c.listen) + "/";
        return {{"ftp", where, "layer7 ftp ls " + url + "  (or: curl " + url + ")"}};
    }

private:
    // STOR writes a hidden temporary beside its target; one whose upload died with its process
    // (kill -9, a crash) is removed here, in the default root and in every user's own root.
    void remove_stale_uploads(const std::string& root)
    {
        std::size_t removed = core::remove_stale_temporaries(root, true);
        for (const core::User& user : shared_.users.all())
            if (auto r = user.attrs.find("root"); r != user.attrs.end() && !r->second.empty())
                removed += core::remove_stale_temporaries(r->second, true);
        if (removed > 0)
            spdlog::info("ftp: removed {} temporary file(s) left by interrupted uploads", removed);
    }

    Shared shared_;
};

}  // namespace

std::unique_ptr<core::Service> make_service(const Config& config)
{
    return std::make_unique<Service>(config);
}

}  // namespace layer7::ftp
