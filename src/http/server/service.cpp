// The [http] service: see service.hpp.
#include "http/server/service.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "core/fs/temporaries.hpp"
#include "core/net/listen_config.hpp"
#include "core/net/resolve.hpp"
#include "core/net/tls.hpp"
#include "core/net/tls_config.hpp"
#include "core/runtime/listen.hpp"
#include "core/runtime/runtime.hpp"
#include "http/server/connection.hpp"
#include "http/server/builtin.hpp"
#include "http/server/files_handler.hpp"
#include "http/server/h2_connection.hpp"
#include "http/server/router.hpp"
#include "http/server/time_handler.hpp"

namespace layer7::http {

ServerConfig parse_config(core::Section s, const std::string& data_dir, std::vector<ExtraHandler> extra)
{
    ServerConfig c;
    c.extra_handlers = std::move(extra);
    c.data_dir = data_dir;
    c.enabled = s.boolean("enabled", c.enabled);
    c.listen = core::parse_optional_listen_address(s, "listen", c.listen);
    c.tls_listen = core::parse_optional_listen_address(s, "tls_listen", c.tls_listen);
    c.root = s.string("root", c.root);
    core::parse_tls_keys(s, c.tls_cert, c.tls_key, c.tls_ciphers);
    s.require_directory("root", c.root);
    c.access_log = s.string("access_log", c.access_log);
    c.site.writable = s.boolean("writable", c.site.writable);
    c.site.gzip = s.boolean("gzip", c.site.gzip);
    c.site.listings = s.boolean("listings", c.site.listings);
    c.header_timeout = s.seconds("header_timeout", c.header_timeout);
    c.max_requests = static_cast<std::size_t>(s.integer("max_requests", 1000, 1, 1 << 30));
    for (auto& rule : s.sections("cache")) {
        CacheRule r;
        r.prefix = rule.string("prefix", "/");
        r.max_age = static_cast<std::uint32_t>(rule.integer("max_age", 0, 0, 1LL << 31));
        if (!r.prefix.starts_with('/'))
            rule.error("prefix", "must start with '/'");
        rule.finish();
        c.site.cache_rules.push_back(r);
    }
    for (auto& v : s.sections("vhost")) {
        VhostConfig vh;
        vh.names = v.strings("names", {});
        vh.root = v.string("root", "");
        if (vh.names.empty())
            v.error("names", "a virtual host needs at least one name");
        if (vh.root.empty())
            v.error("root", "a virtual host needs a root");
        v.require_directory("root", vh.root);
        v.finish();
        c.vhosts.push_back(vh);
    }
    c.builtins = s.boolean("builtins", c.builtins);
    c.h2 = s.boolean("h2", c.h2);
    for (auto& m : s.sections("mount")) {
        MountConfig mc;
        mc.host = m.string("host", "");
        mc.prefix = m.string("prefix", "");
        mc.handler = m.string("handler", "");
        mc.root = m.string("root", "");
        mc.writable = m.boolean("writable", mc.writable);
        mc.live_window = m.seconds("live_window", mc.live_window);
        if ((mc.writable || mc.live_window.count() != 0) && mc.handler != "files")
            m.error("writable", "writable and live_window apply to files mounts");
        if (mc.live_window.count() < 0)
            m.error("live_window", "expected seconds >= 0");
        if (!mc.prefix.starts_with('/'))
            m.error("prefix", "a mount needs a prefix starting with '/'");
        std::string names = "files, echo, session, time";
        bool known = mc.handler == "files" || mc.handler == "echo" || mc.handler == "session" || mc.handler == "time";
        for (const auto& x : c.extra_handlers) {
            names += ", " + x.name;
            known = known || mc.handler == x.name;
        }
        if (!known)
            m.error("handler", "expected one of " + names);
        if ((mc.handler == "files") != !mc.root.empty())
            m.error("root", "a files mount needs a root, other handlers take none");
        m.require_directory("root", mc.root);
        m.finish();
        c.mounts.push_back(mc);
    }
    for (auto& g : s.sections("cgi")) {
        CgiConfig cc;
        cc.host = g.string("host", "");
        cc.prefix = g.string("prefix", cc.prefix);
        cc.dir = g.string("dir", "");
        cc.time_limit = g.seconds("time_limit", cc.time_limit);
        cc.max_output =
            static_cast<std::uint64_t>(g.integer("max_output", static_cast<std::int64_t>(cc.max_output), 1, 1LL << 40));
        if (!cc.prefix.starts_with('/'))
            g.error("prefix", "a CGI mount needs a prefix starting with '/'");
        if (cc.time_limit.count() <= 0)
            g.error("time_limit", "expected a positive number of seconds");
        g.require_directory("dir", cc.dir);
        g.finish();
        c.cgi.push_back(cc);
    }
    c.limits = s.limits(c.limits);
    s.finish();
    return c;
}

namespace {

std::string random_id()
{
    unsigned char bytes[16];
    RAND_bytes(bytes, sizeof bytes);
    static const char* hex = "0123456789abcdef";
    std::string id;
    for (unsigned char b : bytes) {
        id.push_back(hex[b >> 4]);
        id.push_back(hex[b & 15]);
    }
    return id;
}

// Writes demo files into `dir` unless `marker` is there already (the user's own files).
void ensure_demo_files(const std::string& dir, const std::string& marker, const std::vector<DemoFile>& files)
{
    namespace fs = std::filesystem;
    if (fs::exists(fs::path(dir) / marker))
        return;
    for (const auto& file : files) {
        const fs::path path = fs::path(dir) / file.path;
        fs::create_directories(path.parent_path());
        const std::string tmp = path.string() + ".tmp";
        int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, file.executable ? 0755 : 0644);
        if (fd < 0 ||
            ::write(fd, file.content.data(), file.content.size()) != static_cast<ssize_t>(file.content.size())) {
            if (fd >= 0)
                ::close(fd);
            throw core::StartError("http: cannot write the demo files into " + dir);
        }
        ::close(fd);
        fs::rename(tmp, path);
    }
}

class Service final : public core::Service {
public:
    Service(ServerConfig config, CgiFactory cgi)
        : config_(std::move(config)), cgi_(std::move(cgi)), sessions_(random_id)
    {
    }

    std::vector<core::ServiceRow> start(core::Runtime& runtime) override
    {
        std::string root = config_.root;
        try {
            SiteOptions main_site = config_.site;
            if (root.empty()) {
                root = config_.data_dir + "/www";
                if (const auto& demo = config_.demo) {
                    ensure_demo_files(root, demo->marker, demo->files);
                    for (std::string page : {demo->base_page, demo->base_page + "index.html"})
                        main_site.early_hints[page] = demo->preload_links;
                }
            }
            // PUT writes through a hidden temporary (core::Root::replace); drop those a dead run left.
            if (config_.site.writable)
                core::remove_stale_temporaries(root, true);
            router_ = build_router(root, main_site, config_.root.empty() && config_.demo);
            log_ = std::make_unique<AccessLog>(config_.access_log);
        } catch (const std::exception& e) {
            throw core::StartError(std::string("http: ") + e.what());
        }
        options_.limits = config_.limits;
        options_.header_timeout = config_.header_timeout;
        options_.max_requests = config_.max_requests;
        options_.access_log = log_->enabled() ? log_.get() : nullptr;
        options_.h2c = config_.h2;
        options_.blocking = &runtime.blocking();
        options_.park = true;
        owner_ = runtime.owner();

        std::vector<core::ServiceRow> rows;
        if (config_.listen) {
            const auto where = core::to_string(core::listen_tcp_or_throw(
                runtime, "http", *config_.listen, core::Admission(config_.limits, busy_reply),
                [this](core::TcpSocket s, asio::ip::tcp::endpoint peer, core::Admitted admitted) {
                    accept(std::move(s), peer, std::move(admitted), false);
                },
                core::FirstSpeaker::client));
            rows.push_back({"http", where, "curl -v http://" + where + "/", "http://" + where + "/"});
            if (home_)
                rows.push_back(
                    {"http-page", where,
                     "curl -v http://" + where + config_.demo->base_page + "  (the base page and its ten images)",
                     "http://" + where + config_.demo->base_page});
        }
        if (config_.tls_listen) {
            std::string dev_ca;
            try {
                tls_ = core::make_configured_server_tls(config_.tls_cert, config_.tls_key, config_.tls_ciphers,
                                                        config_.data_dir, &dev_ca);
                core::offer_alpn(*tls_, config_.h2);
            } catch (const std::exception& e) {
                throw core::StartError(std::string("http: ") + e.what());
            }
            const auto where = core::to_string(core::listen_tcp_or_throw(
                runtime, "http", *config_.tls_listen, core::Admission(config_.limits),
                [this](core::TcpSocket s, asio::ip::tcp::endpoint peer, core::Admitted admitted) {
                    accept(std::move(s), peer, std::move(admitted), true);
                },
                core::FirstSpeaker::client, "tls"));
            if (dev_ca.empty()) {
                rows.push_back({"https", where, "curl https://" + where + "/", "https://" + where + "/"});
            } else {
                // The development certificate is self-signed: clients trust it by naming it as their CA.
                rows.push_back(
                    {"https", where, "curl --cacert " + dev_ca + " https://" + where + "/", "https://" + where + "/"});
                rows.push_back(
                    {"tls-ca", dev_ca,
                     "the dev CA to trust: curl --cacert F; lftp -e 'set ssl:ca-file F'; swaks --tls-ca-path F; "
                     "python3 ssl.create_default_context(cafile=F)"});
            }
        }
        return rows;
    }

    void on_started(const std::vector<core::ServiceRow>& all) override
    {
        if (home_)
            home_->set_rows(all);
    }

private:
    // `demo`: config_.demo's site, whose "/" is the home page listing every service.
    std::unique_ptr<Router> build_router(const std::string& root, const SiteOptions& main_site, bool demo)
    {
        const std::size_t max_body = config_.limits.max_message;
        auto router = std::make_unique<Router>();
        auto files = [&](const std::string& dir) {
            return std::make_shared<FilesHandler>(std::make_shared<Site>(dir, config_.site), max_body);
        };
        std::shared_ptr<Handler> site =
            std::make_shared<FilesHandler>(std::make_shared<Site>(root, main_site), max_body);
        if (demo) {
            std::vector<PageLink> pages = config_.demo->pages;
            if (config_.builtins) {
                pages.insert(pages.end(), {{"/session: a visit counter kept in a cookie", "/session"},
                                           {"/time: the server's clock as JSON", "/time"}});
                for (const auto& x : config_.extra_handlers)
                    if (!x.page_title.empty() && !x.builtin_prefix.empty())
                        pages.push_back({x.page_title, x.builtin_prefix});
            }
            for (const auto& cgi : config_.cgi)
                if (cgi.dir.empty())
                    pages.push_back({config_.demo->cgi_page.title, cgi.prefix + config_.demo->cgi_page.href});
            home_ = std::make_shared<HomePage>(site, std::move(pages));
            site = home_;
        }
        router->mount("", "/", site);
        for (const auto& vh : config_.vhosts) {
            auto site = files(vh.root);
            for (const auto& name : vh.names)
                router->mount(name, "/", site);
        }
        if (config_.builtins) {
            router->mount("", "/echo", std::make_shared<EchoHandler>(max_body));
            router->mount("", "/session", std::make_shared<SessionHandler>(sessions_));
            router->mount("", "/time", std::make_shared<TimeHandler>());
            for (const auto& x : config_.extra_handlers)
                if (!x.builtin_prefix.empty())
                    router->mount("", x.builtin_prefix, x.make());
        }
        for (const auto& m : config_.mounts) {
            std::shared_ptr<Handler> h;
            if (m.handler == "files") {
                SiteOptions site = config_.site;
                site.writable = site.writable || m.writable;
                site.live_window = m.live_window;
                h = std::make_shared<FilesHandler>(std::make_shared<Site>(m.root, site), max_body);
            } else if (m.handler == "echo")
                h = std::make_shared<EchoHandler>(max_body);
            else if (m.handler == "session")
                h = std::make_shared<SessionHandler>(sessions_);
            else if (m.handler == "time")
                h = std::make_shared<TimeHandler>();
            for (const auto& x : config_.extra_handlers)
                if (m.handler == x.name)
                    h = x.make();
            router->mount(m.host, m.prefix, std::move(h));
        }
        for (CgiConfig cgi : config_.cgi) {
            if (!cgi_)
                throw core::StartError("http: CGI mounts need the CGI handler");
            if (cgi.dir.empty()) {
                cgi.dir = config_.data_dir + "/cgi-bin";
                if (config_.demo)
                    ensure_demo_files(cgi.dir, config_.demo->cgi_marker, config_.demo->cgi_scripts);
            }
            router->mount(cgi.host, cgi.prefix, cgi_(cgi, *router, config_));
        }
        return router;
    }

    // An HTTP connection, all that is left of it while it is parked between requests (issue 23
    // counts its bytes: keep it small).
    struct ParkedConnection {
        ParkedConnection(core::TcpSocket socket, const asio::ip::tcp::endpoint& peer, core::Admitted a)
            : stream(std::move(socket), core::Role::server, peer), admitted(std::move(a))
        {
        }
        core::Stream stream;
        core::Admitted admitted;
        ParkedAt at;
    };
    // 168 bytes, a 176-byte malloc chunk (x86-64): Stream 144, Admitted 16, ParkedAt 8.
    static_assert(sizeof(ParkedConnection) <= 168, "an idle HTTP connection grew: see issue 23");

    void accept(core::TcpSocket socket, const asio::ip::tcp::endpoint& peer, core::Admitted admitted, bool tls)
    {
        auto connection = std::make_unique<ParkedConnection>(std::move(socket), peer, std::move(admitted));
        connection->stream.set_owner(owner_);  // a reload that replaces us ends the connection gracefully
        connection->stream.set_timeout(config_.header_timeout);
        spawn_serve(std::move(connection), tls);
    }

    // serve() on the connection's own worker. (The executor is read first: the call's arguments
    // may be evaluated in any order, and serve's moves the connection away.)
    void spawn_serve(std::unique_ptr<ParkedConnection> connection, bool handshake = false)
    {
        const auto executor = connection->stream.socket().get_executor();
        asio::co_spawn(executor, serve(std::move(connection), handshake), asio::detached);
    }

    // Serves until the connection ends or parks; a parked one waits with no coroutine alive and
    // comes back here when the client sends again (an idle one costs its socket, its TLS state
    // and this record). `handshake`: a TLS connection, the first time.
    core::awaitable<void> serve(std::unique_ptr<ParkedConnection> connection, bool handshake)
    {
        core::Stream& stream = connection->stream;
        if (handshake) {
            if (co_await stream.start_tls_server(*tls_))
                co_return;
            if (stream.alpn() == "h2") {
                co_await serve_h2(stream, *router_, options_, {});
                co_await stream.shutdown();
                co_return;
            }
        }
        const std::optional<ParkedAt> parked = co_await serve_h1(stream, *router_, options_, connection->at);
        if (!parked) {
            co_await stream.shutdown();
            co_return;
        }
        connection->at = *parked;
        stream.when_readable([this, connection = std::move(connection)](std::error_code ec) mutable {
            if (ec)
                return;  // idle past the keep-alive timeout, or stopping: the connection closes here
            spawn_serve(std::move(connection));
        });
    }

    ServerConfig config_;
    CgiFactory cgi_;
    SessionTable sessions_;
    std::unique_ptr<Router> router_;
    std::shared_ptr<HomePage> home_;  // the demo site's "/"
    std::unique_ptr<AccessLog> log_;
    std::shared_ptr<asio::ssl::context> tls_;
    const void* owner_ = nullptr;  // what the runtime retires us as
    ConnectionOptions options_;
};

}  // namespace

std::unique_ptr<core::Service> make_service(const ServerConfig& config, CgiFactory cgi)
{
    return std::make_unique<Service>(config, std::move(cgi));
}

}  // namespace layer7::http
