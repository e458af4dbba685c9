// The [http] service: configuration, the demo site it is handed, plain and TLS listeners.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/net/tls.hpp"
#include "core/service.hpp"
#include "http/server/handler.hpp"
#include "http/server/home_page.hpp"
#include "http/server/site.hpp"

namespace layer7::http {

struct VhostConfig {
    std::vector<std::string> names;
    std::string root;
};

// [[http.mount]]: a handler at a path prefix, for one virtual host or all.
struct MountConfig {
    std::string host;                     // "" = every host
    std::string prefix;                   // "/docs/", "/time"
    std::string handler;                  // files | echo | session | time | an ExtraHandler's name
    std::string root;                     // files: the directory served
    bool writable = false;                // files: PUT and DELETE (e.g. a DASH live publisher)
    std::chrono::seconds live_window{0};  // files: segments older than this go (live_window.hpp)
};

// A handler from a folder above http/server (WebSocket, …) under the name [[http.mount]] gives it.
// The cli passes them in, so the layer graph still points down; with builtins on, each is also
// mounted at its builtin_prefix.
struct ExtraHandler {
    std::string name;
    std::string builtin_prefix;
    std::function<std::shared_ptr<Handler>()> make;
    std::string page_title = {};  // non-empty: the demo home page links to builtin_prefix under this title
};

// [[http.cgi]]: a directory of CGI scripts at a path prefix (RFC 3875; the handler is src/http/cgi).
struct CgiConfig {
    std::string host;  // "" = every host
    std::string prefix = "/cgi-bin/";
    std::string dir;                       // "": DATA/cgi-bin, with the demo's scripts (/cgi-bin/pageexec)
    std::chrono::seconds time_limit{30};   // one run, spawn to end of output
    std::uint64_t max_output = 64u << 20;  // body bytes from one run
};

// A file the service writes into a directory it serves.
struct DemoFile {
    std::string path;  // relative to the directory, e.g. "images/pic03.png"
    std::string content;
    bool executable = false;  // a CGI script
};

// What an empty `root` serves: a generated site whose "/" is the home page listing every service
// (home_page.hpp). The cli hands in the demo world's (demo/site.hpp).
struct DemoSite {
    std::string marker;                      // "someDepartment/index.html": there, the files are not written
    std::vector<DemoFile> files;             // written into DATA/www
    std::string base_page;                   // "/someDepartment/": a row of its own, and 103 Early Hints
    std::vector<std::string> preload_links;  // those hints' Link values
    std::vector<PageLink> pages;             // the home page's links to the site's pages
    std::string cgi_marker;                  // "pageexec": there, the scripts are not written
    std::vector<DemoFile> cgi_scripts;       // written into DATA/cgi-bin for a [[http.cgi]] without dir
    PageLink cgi_page;                       // their home-page link, under the CGI prefix
};

struct ServerConfig {
    bool enabled = true;
    std::optional<core::HostPort> listen = core::HostPort{"127.0.0.1", 8080};
    std::optional<core::HostPort> tls_listen;  // HTTPS; with tls_cert/tls_key or a dev certificate
    std::string root;                          // empty: DATA/www, with `demo` in it if given
    std::optional<DemoSite> demo;
    std::string tls_cert, tls_key;  // empty: a self-signed dev certificate under DATA/tls
    core::TlsCiphers tls_ciphers;   // tls_ciphers, tls13_ciphersuites
    std::string access_log;         // "" off, "-" stdout, else a file
    std::string data_dir = "./layer7-data";
    SiteOptions site;
    std::vector<VhostConfig> vhosts;
    bool builtins = true;  // /echo, /session and /time on every host
    bool h2 = true;        // HTTP/2: ALPN h2 on HTTPS, h2c on HTTP
    std::vector<MountConfig> mounts;
    std::vector<ExtraHandler> extra_handlers;
    std::vector<CgiConfig> cgi;
    std::chrono::seconds header_timeout{30};
    std::size_t max_requests = 1000;
    core::Limits limits{.max_line = 8192,
                        .max_header = 64 * 1024,
                        .max_message = 32u << 20,
                        .idle_timeout = std::chrono::seconds(75)};
};

// Reads [http]; errors go to the section's diagnostics.
ServerConfig parse_config(core::Section section, const std::string& data_dir, std::vector<ExtraHandler> extra = {});
// Builds the handler of a [[http.cgi]] mount; `server` is the service's router (local redirects).
// Passed in from above: src/http/cgi depends on this folder, not the other way round.
using CgiFactory = std::function<std::shared_ptr<Handler>(const CgiConfig&, Handler& server, const ServerConfig&)>;
// `cgi` is required when config.cgi is not empty.
std::unique_ptr<core::Service> make_service(const ServerConfig& config, CgiFactory cgi = {});

}  // namespace layer7::http
