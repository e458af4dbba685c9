// Builds every service from a config file.
#include "cli/services.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string_view>

#include <spdlog/spdlog.h>

#include "core/net/resolve.hpp"
#include "demo/dash.hpp"
#include "demo/hierarchy_service.hpp"
#include "demo/site.hpp"
#include "demo/torrent_seed.hpp"
#include "demo/users.hpp"
#include "demo/zones.hpp"
#include "dns/client/name_service.hpp"
#include "dns/resolver/service.hpp"
#include "dns/server/service.hpp"
#include "echo/echo.hpp"
#include "ftp/ftp.hpp"
#include "im/im.hpp"
#include "rtsp/service.hpp"
#include "http/cgi/handler.hpp"
#include "http/proxy/service.hpp"
#include "http/server/files_handler.hpp"
#include "http/server/service.hpp"
#include "http/websocket/config.hpp"
#include "lab/lab.hpp"
#include "http/websocket/endpoint.hpp"
#include "mail/imap/service.hpp"
#include "mail/mta/service.hpp"
#include "mail/pop3/service.hpp"
#include "mail/web/service.hpp"
#include "torrent/tracker_service.hpp"

namespace layer7::cli {

std::shared_ptr<mail::System> MailSystems::get(const std::string& users_path, const std::string& mail_root)
{
    for (const auto& system : systems_)
        if (system->users_path() == users_path && system->store().root() == mail_root)
            return system;
    return systems_.emplace_back(std::make_shared<mail::System>(users_path, mail_root));
}

std::shared_ptr<mail::AcceptorSlot> MailSystems::acceptor(const std::string& queue_path)
{
    for (const auto& [path, slot] : acceptors_)
        if (path == queue_path)
            return slot;
    return acceptors_.emplace_back(queue_path, std::make_shared<mail::AcceptorSlot>()).second;
}

Plan plan_services(core::ConfigFile& file, const Globals& g, MailSystems& mail_systems)
{
    Plan plan;
    // A service runs when its section is in the file (and does not say enabled = false): a config
    // that names only [http] serves only HTTP.
    core::Section root = file.root();

    core::Section runtime = root.section("runtime");
    plan.runtime.threads = static_cast<unsigned>(runtime.integer("threads", 0, 0, 1024));
    plan.runtime.data = runtime.string("data", plan.runtime.data);
    plan.runtime.log_level = runtime.string("log_level", plan.runtime.log_level);
    plan.runtime.hosts = runtime.string("hosts", plan.runtime.hosts);
    plan.runtime.drain = runtime.seconds("drain", plan.runtime.drain);
    // 0 when [runtime] does not set it: then [smtp] io_threads, its deprecated old name, may (below).
    const auto blocking_threads = static_cast<std::size_t>(runtime.integer("blocking_threads", 0, 1, 256));
    if (blocking_threads)
        plan.runtime.blocking_threads = blocking_threads;
    static constexpr std::string_view levels[] = {"trace", "debug", "info", "warn", "error", "off"};
    if (std::find(std::begin(levels), std::end(levels), plan.runtime.log_level) == std::end(levels))
        runtime.error("log_level", "expected trace, debug, info, warn, error or off");
    runtime.finish();
    if (!g.data.empty())
        plan.runtime.data = g.data;
    // Not the log level or the drain limit: a reload applies those without restarting anything.
    const std::string shared_key = "--data " + plan.runtime.data + " --hosts " + plan.runtime.hosts;
    // Each service added below is keyed by its section's text: a reload restarts only those whose text changed.
    std::size_t keyed = 0;
    const auto key = [&](const core::Section& section, const std::string& also = {}) {
        for (; keyed < plan.services.size(); ++keyed)
            plan.keys.push_back(section.path() + "\n" + section.text() + also + shared_key);
    };

    if (core::Section section = root.section("echo"); section.present()) {
        echo::Config echo = echo::parse_config(section);
        if (echo.enabled)
            plan.services.push_back(echo::make_service(echo));
        key(section);
    }

    http::websocket::EndpointOptions websocket;
    if (core::Section section = root.section("websocket"); section.present())
        websocket = http::websocket::parse_config(section);
    auto extra = http::websocket::extra_handlers(websocket);
    // Each mail service names its users file and mail root; those that agree share a mail::System.
    // Sections that disagree get one each (as when run alone), with a warning: then mail delivered
    // by one server is not announced to the other's IMAP IDLE and web mail.
    std::vector<std::pair<std::string, const mail::System*>> mail_users;
    const auto mail_system = [&](const core::Section& section, const std::string& users, const std::string& root) {
        auto system = mail_systems.get(users, root);
        mail_users.emplace_back(section.path(), system.get());
        return system;
    };
    if (core::Section webmail = root.section("webmail"); webmail.present()) {  // web mail at /mail on [http]
        const mail::web::Config config = mail::web::parse_config(webmail, plan.runtime.data);
        if (config.enabled)
            for (auto& handler :
                 mail::web::extra_handlers(config, mail_system(webmail, config.users_path(), config.mail_path()),
                                           mail_systems.acceptor(config.queue_path())))
                extra.push_back(std::move(handler));
    }
    // The lab's reports (`layer7 lab run` writes them under DATA/lab) at /lab/.
    extra.push_back({"lab", "/lab/",
                     [reports = plan.runtime.data + "/lab"] {
                         try {
                             lab::write_index(reports);
                         } catch (const std::exception&) {
                             // not writable: the folder's listing stands in for the index
                         }
                         return std::make_shared<http::FilesHandler>(
                             std::make_shared<http::Site>(reports, http::SiteOptions{}), 0);
                     },
                     "The lab's reports"});
    std::optional<http::ServerConfig> http_config;
    if (core::Section section = root.section("http"); section.present()) {
        http::ServerConfig http = http::parse_config(section, plan.runtime.data, std::move(extra));
        // The demo site, written into DATA/www at start; its CGI scripts serve a [[http.cgi]] without dir.
        const bool demo_cgi =
            std::any_of(http.cgi.begin(), http.cgi.end(), [](const http::CgiConfig& c) { return c.dir.empty(); });
        if (http.root.empty() || demo_cgi)
            http.demo = demo::web_site();
        if (http.enabled)
            plan.services.push_back(http::make_service(http, http::cgi::make_handler));
        key(section, root.section("websocket").text() + root.section("webmail").text());
        http_config = std::move(http);
    }

    // The DASH demo lives in the demo site, so it runs with an [http] that serves it.
    if (core::Section section = root.section("dash"); section.present()) {
        demo::DashConfig dash = demo::parse_dash_config(section, plan.runtime.data);
        if (!http_config || !http_config->enabled || !http_config->root.empty() || !http_config->listen)
            dash.enabled = false;
        if (dash.enabled) {
            dash.http_address = core::to_string(*http_config->listen);
            plan.services.push_back(demo::make_dash_service(dash));
        }
        key(section);
    }

    if (core::Section section = root.section("proxy"); section.present()) {
        http::proxy::Config proxy = http::proxy::parse_config(section, plan.runtime.data);
        if (auto server = proxy.resolver ? core::udp_endpoint(*proxy.resolver) : std::nullopt)
            proxy.names = dns::make_name_service(*server);
        if (proxy.enabled)
            plan.services.push_back(http::proxy::make_service(proxy));
        key(section);
    }

    if (core::Section section = root.section("ftp"); section.present()) {
        ftp::Config ftp = ftp::parse_config(section, plan.runtime.data);
        if (ftp.enabled)
            plan.services.push_back(ftp::make_service(ftp));
        key(section);
    }

    // [[smtp]] twice runs two mail servers (Alice's and Bob's in the default config); each needs a
    // spool of its own: after the first, an unset queue_dir is DATA/queue-<first domain>.
    std::vector<std::string> queues;
    std::size_t io_threads = 0;  // the most any [smtp] io_threads asks for
    for (core::Section section : root.instances("smtp")) {
        mail::mta::Config smtp = mail::mta::parse_config(section, plan.runtime.data);
        smtp.add_demo_users = demo::add_mail_users;
        if (smtp.io_threads) {
            io_threads = std::max(io_threads, *smtp.io_threads);
            const std::string outcome =
                blocking_threads ? "[runtime] blocking_threads = " + std::to_string(blocking_threads) + " wins"
                                 : "using io_threads = " + std::to_string(*smtp.io_threads);
            spdlog::warn(
                "[{}] io_threads is deprecated: set [runtime] blocking_threads instead (one pool "
                "serves every service); {}",
                section.path(), outcome);
        }
        if (!queues.empty() && smtp.queue_dir.empty())
            smtp.queue_dir = plan.runtime.data + "/queue-" + (smtp.domains.empty() ? "localhost" : smtp.domains[0]);
        if (std::find(queues.begin(), queues.end(), smtp.queue_path()) != queues.end())
            section.error("queue_dir", "two [[smtp]] servers share the spool " + smtp.queue_path());
        queues.push_back(smtp.queue_path());
        if (smtp.enabled)
            plan.services.push_back(mail::mta::make_service(smtp,
                                                            mail_system(section, smtp.users_path(), smtp.mail_path()),
                                                            mail_systems.acceptor(smtp.queue_path())));
        key(section);
    }
    if (io_threads && !blocking_threads)
        plan.runtime.blocking_threads = io_threads;

    if (core::Section section = root.section("pop3"); section.present()) {
        mail::pop3::Config pop3 = mail::pop3::parse_config(section, plan.runtime.data);
        if (pop3.enabled)
            plan.services.push_back(
                mail::pop3::make_service(pop3, mail_system(section, pop3.users_path(), pop3.mail_path())));
        key(section);
    }

    if (core::Section section = root.section("imap"); section.present()) {
        mail::imap::Config imap = mail::imap::parse_config(section, plan.runtime.data);
        if (imap.enabled)
            plan.services.push_back(
                mail::imap::make_service(imap, mail_system(section, imap.users_path(), imap.mail_path())));
        key(section);
    }
    for (const auto& [section, system] : mail_users)
        if (system != mail_users.front().second) {
            spdlog::warn(
                "[{}] and [{}] name different users files or mail roots ({} and {}, {} and {}): "
                "they do not share one mail system",
                mail_users.front().first, section, mail_users.front().second->users_path(), system->users_path(),
                mail_users.front().second->store().root(), system->store().root());
            break;
        }

    if (core::Section section = root.section("dns"); section.present()) {
        dns::ServiceConfig dns = dns::parse_config(section, plan.runtime.data, demo::textbook_zones());
        if (dns.enabled)
            plan.services.push_back(dns::make_service(dns));
        key(section);
    }

    // The hierarchy hands its root hints to the resolver when it serves (it starts first).
    // The two restart together: a new hierarchy's root hints reach only a resolver started with it.
    const std::string hierarchy_and_resolver = root.section("hierarchy").text() + root.section("resolver").text();
    auto private_root = std::make_shared<std::optional<std::string>>();
    if (core::Section section = root.section("hierarchy"); section.present()) {
        demo::HierarchyConfig hierarchy = demo::parse_hierarchy_config(section, plan.runtime.data);
        hierarchy.on_serving = [private_root](const std::string& hints) { *private_root = hints; };
        if (hierarchy.enabled)
            plan.services.push_back(demo::make_hierarchy_service(hierarchy));
        key(section, hierarchy_and_resolver);
    }

    if (core::Section section = root.section("resolver"); section.present()) {
        dns::resolver::ResolverConfig resolver = dns::resolver::parse_resolver_config(section);
        if (resolver.use_hierarchy)
            resolver.private_root = [private_root] { return *private_root; };
        if (resolver.enabled)
            plan.services.push_back(dns::resolver::make_resolver_service(resolver));
        key(section, hierarchy_and_resolver);
    }

    if (core::Section section = root.section("rtsp"); section.present()) {
        rtsp::RtspConfig rtsp = rtsp::parse_rtsp_config(section);
        if (rtsp.enabled)
            plan.services.push_back(rtsp::make_rtsp_service(rtsp));
        key(section);  // else the next section's text would key it, and a reload miss its changes
    }
    if (core::Section section = root.section("im"); section.present()) {
        im::Config im = im::parse_config(section);
        if (im.enabled)
            plan.services.push_back(im::make_service(im));
        key(section);
    }
    if (core::Section section = root.section("tracker"); section.present()) {
        torrent::TrackerConfig tracker = torrent::parse_tracker_config(section);
        if (tracker.enabled)
            plan.services.push_back(torrent::make_tracker_service(tracker));
        key(section);
        // The demo torrent announces over HTTP; its .torrent is also on the demo site when [http]
        // serves it (the aria2c line then names that URL), so [http] is part of its key.
        if (tracker.enabled && tracker.http && tracker.seed_demo) {
            demo::TorrentSeedConfig seed;
            seed.data_dir = plan.runtime.data;
            seed.tracker = tracker.listen;
            if (http_config && http_config->enabled && http_config->root.empty() && http_config->listen) {
                seed.www = plan.runtime.data + "/www";
                seed.http_address = core::to_string(*http_config->listen);
            }
            plan.services.push_back(demo::make_torrent_seed_service(seed));
            key(section, root.section("http").text());
        }
    }

    root.finish();
    return plan;
}

}  // namespace layer7::cli
