// FTP (RFC 959) for `layer7 ftp serve` and `layer7 up`: the [ftp] config section and the service;
// and the client behind `layer7 ftp ls|get|put|rm`.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/config/config.hpp"
#include "core/net/tls.hpp"
#include "core/service.hpp"
#include "ftp/url.hpp"

namespace layer7::ftp {

struct Config {
    bool enabled = true;
    core::HostPort listen{"127.0.0.1", 2121};
    std::string root;  // empty: DATA/ftp, created with a README.txt when missing
    std::string data_dir = "./layer7-data";
    bool anonymous = true;                     // guests read, never write
    std::string users_file;                    // name:hash[:root=DIR,write=yes]; empty: no accounts
    std::uint16_t pasv_min = 0, pasv_max = 0;  // passive ports; 0-0: any the kernel picks
    std::string pasv_address;                  // the IPv4 address 227 advertises (NAT); empty: the one the client used
    bool tls = true;                           // offer AUTH TLS (RFC 4217) when there is a certificate
    std::string tls_cert, tls_key;             // empty: no AUTH TLS, unless tls_dev_certificate
    core::TlsCiphers tls_ciphers;              // tls_ciphers, tls13_ciphersuites
    // With no tls_cert, offer AUTH TLS with the development certificate under DATA/tls. Off by default:
    // clients that use TLS whenever it is offered and verify it (lftp) then refuse every transfer.
    bool tls_dev_certificate = false;
    std::chrono::seconds data_timeout{60};  // a data connection idle this long is aborted (426)
    std::chrono::seconds pasv_timeout{60};  // a PASV/EPSV listener no transfer claims closes (vsftpd: 60 s)
    core::Limits limits{.max_line = 4096, .idle_timeout = std::chrono::seconds(300)};
};

// Reads [ftp]; errors go to the section's diagnostics.
Config parse_config(core::Section section, const std::string& data_dir);
std::unique_ptr<core::Service> make_service(const Config& config);
// "50000-50100" → {50000, 50100}; false when malformed or reversed.
bool parse_port_range(std::string_view text, std::uint16_t& low, std::uint16_t& high);

struct ClientOptions {
    bool active = false;    // PORT/EPRT instead of EPSV/PASV
    bool progress = false;  // a progress bar on standard error
    bool resume = false;    // get -C: continue an earlier part of the same remote file (get_plan.hpp)
    std::chrono::seconds timeout{30};
};

// `layer7 ftp ls|get|put|rm`: each returns the exit code (0, or 1 after a one-line error on stderr).
int client_ls(const Url& url, const ClientOptions& options);
int client_get(const Url& url, const std::string& local_file, const ClientOptions& options);
int client_put(const Url& url, const std::string& local_file, const ClientOptions& options);
int client_rm(const Url& url, const ClientOptions& options);

}  // namespace layer7::ftp
