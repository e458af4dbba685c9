// Builds every service from a config file.
#include "cli/services.hpp"

#include <algorithm>
#include <iterator>
#include <string_view>

#include "dns/resolver/service.hpp"
#include "dns/server/service.hpp"
#include "echo/echo.hpp"
#include "ftp/ftp.hpp"
#include "rtsp/service.hpp"
#include "http/cgi/handler.hpp"
#include "http/proxy/service.hpp"
#include "http/server/service.hpp"
#include "http/websocket/endpoint.hpp"
#include "mail/imap/service.hpp"
#include "mail/pop3/service.hpp"
#include "mail/smtp/service.hpp"
#include "torrent/tracker_service.hpp"

namespace layer7::cli {

Plan plan_services(core::ConfigFile& file, const Globals& g)
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
    static constexpr std::string_view levels[] = {"trace", "debug", "info", "warn", "error", "off"};
    if (std::find(std::begin(levels), std::end(levels), plan.runtime.log_level) == std::end(levels))
        runtime.error("log_level", "expected trace, debug, info, warn, error or off");
    runtime.finish();
    if (!g.data.empty())
        plan.runtime.data = g.data;

    if (core::Section section = root.section("echo"); section.present()) {
        echo::Config echo = echo::parse_config(section);
        if (echo.enabled)
            plan.services.push_back(echo::make_service(echo));
    }

    if (core::Section section = root.section("http"); section.present()) {
        http::ServerConfig http = http::parse_config(section, plan.runtime.data, http::websocket::extra_handlers());
        if (http.enabled)
            plan.services.push_back(http::make_service(http, http::cgi::make_handler));
    }

    if (core::Section section = root.section("proxy"); section.present()) {
        http::proxy::Config proxy = http::proxy::parse_config(section, plan.runtime.data);
        if (proxy.enabled)
            plan.services.push_back(http::proxy::make_service(proxy));
    }

    if (core::Section section = root.section("ftp"); section.present()) {
        ftp::Config ftp = ftp::parse_config(section, plan.runtime.data);
        if (ftp.enabled)
            plan.services.push_back(ftp::make_service(ftp));
    }

    if (core::Section section = root.section("smtp"); section.present()) {
        smtp::Config smtp = smtp::parse_config(section, plan.runtime.data);  // creates the demo users
        if (smtp.enabled)
            plan.services.push_back(smtp::make_service(smtp));
    }

    if (core::Section section = root.section("pop3"); section.present()) {
        pop3::Config pop3 = pop3::parse_config(section, plan.runtime.data);
        if (pop3.enabled)
            plan.services.push_back(pop3::make_service(pop3));
    }

    if (core::Section section = root.section("imap"); section.present()) {
        imap::Config imap = imap::parse_config(section, plan.runtime.data);
        if (imap.enabled)
            plan.services.push_back(imap::make_service(imap));
    }

    if (core::Section section = root.section("dns"); section.present()) {
        dns::ServiceConfig dns = dns::parse_config(section);
        if (dns.enabled)
            plan.services.push_back(dns::make_service(dns));
    }

    if (core::Section section = root.section("resolver"); section.present()) {
        dns::resolver::ResolverConfig resolver = dns::resolver::parse_resolver_config(section);
        if (resolver.enabled)
            plan.services.push_back(dns::resolver::make_resolver_service(resolver));
    }

    if (core::Section section = root.section("rtsp"); section.present()) {
        rtsp::RtspConfig rtsp = rtsp::parse_rtsp_config(section);
        if (rtsp.enabled)
            plan.services.push_back(rtsp::make_rtsp_service(rtsp));
    }
    if (core::Section section = root.section("tracker"); section.present()) {
        torrent::TrackerConfig tracker = torrent::parse_tracker_config(section);
        if (tracker.enabled)
            plan.services.push_back(torrent::make_tracker_service(tracker));
    }

    root.finish();
    return plan;
}

}  // namespace layer7::cli
