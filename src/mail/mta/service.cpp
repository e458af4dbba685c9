// The [smtp] service: see service.hpp. Builds the two policies (relay and submission) on the mail
// system's users (read again when the file changes, so `layer7 user add` applies at once), the
// spool, the intake and the delivery agent, then opens the listeners.
#include "mail/mta/service.hpp"

#include <unistd.h>

#include <cstdio>
#include <random>

#include <spdlog/spdlog.h>

#include "core/net/listen_config.hpp"
#include "core/net/resolve.hpp"
#include "core/net/tls_config.hpp"
#include "core/runtime/listen.hpp"
#include "core/runtime/runtime.hpp"
#include "core/users/users.hpp"
#include "mail/delivery/intake.hpp"
#include "mail/delivery/local.hpp"
#include "mail/delivery/mx_resolver.hpp"
#include "mail/queue/spool.hpp"
#include "mail/smtp/server.hpp"
#include "mail/store/accounts.hpp"
#include "mail/store/system.hpp"

namespace layer7::mail::mta {
namespace {

struct Network {
    asio::ip::address address;
    unsigned prefix = 0;
};

std::optional<Network> parse_network(const std::string& cidr)
{
    const auto slash = cidr.find('/');
    std::error_code ec;
    Network n;
    n.address = asio::ip::make_address(cidr.substr(0, slash), ec);
    if (ec)
        return std::nullopt;
    const unsigned max = n.address.is_v4() ? 32 : 128;
    n.prefix = max;
    if (slash != std::string::npos) {
        const std::string len = cidr.substr(slash + 1);
        if (len.empty() || len.size() > 3 || len.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        n.prefix = static_cast<unsigned>(std::stoul(len));
        if (n.prefix > max)
            return std::nullopt;
    }
    return n;
}

bool contains(const Network& n, asio::ip::address a)
{
    if (a.is_v6() && a.to_v6().is_v4_mapped() && n.address.is_v4())
        a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    if (a.is_v4() != n.address.is_v4())
        return false;
    auto bytes = [](const asio::ip::address& x) {
        std::vector<unsigned char> v;
        if (x.is_v4())
            for (auto b : x.to_v4().to_bytes())
                v.push_back(b);
        else
            for (auto b : x.to_v6().to_bytes())
                v.push_back(b);
        return v;
    };
    const auto na = bytes(n.address), aa = bytes(a);
    for (unsigned bit = 0; bit < n.prefix; ++bit) {
        const unsigned mask = 0x80u >> (bit % 8);
        if ((na[bit / 8] & mask) != (aa[bit / 8] & mask))
            return false;
    }
    return true;
}

class Service final : public core::Service {
public:
    Service(const Config& config, std::shared_ptr<mail::System> system,
            std::shared_ptr<mail::AcceptorSlot> spool_acceptor)
        : config_(config), default_domain_(config.domains.empty() ? "localhost" : config.domains[0]),
          system_(std::move(system)), spool_acceptor_(std::move(spool_acceptor))
    {
    }
    ~Service() override
    {
        if (spool_acceptor_ && intake_)
            spool_acceptor_->unplug(*intake_);
        if (agent_)
            agent_->stop();
    }

    std::vector<core::ServiceRow> start(core::Runtime& runtime) override
    {
        const Config& c = config_;
        std::vector<std::string> demo;
        try {
            if (c.demo_users && c.add_demo_users)
                demo = c.add_demo_users(c.users_path(), c.data_dir);
            if (auto users = core::Users::load(c.users_path()); !users)
                throw std::runtime_error(users.error());
            spool_ = std::make_unique<mail::Spool>(c.queue_path());  // drops the spool's dead temporaries
            system_->store().remove_stale_temporaries();             // and those of deliveries to Maildirs
            if (c.tls)
                context_.tls = core::make_configured_server_tls(c.tls_cert, c.tls_key, c.tls_ciphers, c.data_dir);
        } catch (const std::exception& e) {
            throw core::StartError(std::string("smtp: ") + e.what());
        }
        context_.limits = c.limits;
        exists_ = [this](std::string_view domain, std::string_view user) {
            return system_->users()->accounts(default_domain_).exists(domain, user);
        };
        std::vector<Network> networks;
        for (const auto& n : c.trusted_networks)
            if (auto parsed = parse_network(n))
                networks.push_back(*parsed);
        context_.trusted = [networks](const asio::ip::address& a) {
            for (const auto& n : networks)
                if (contains(n, a))
                    return true;
            return false;
        };
        smtp::Policy policy;
        policy.hostname = c.hostname;
        policy.max_message_bytes = c.max_message_bytes;
        policy.max_recipients = c.max_recipients;
        policy.auth_failure_delay = c.auth_failure_delay;
        policy.tls_available = context_.tls != nullptr;
        policy.is_local = [this](std::string_view domain) {
            const std::string d = mail::lower_domain(domain);
            for (const auto& local : config_.domains)
                if (local == d)
                    return true;
            return false;
        };
        policy.accepts_recipient = [this](std::string_view address) {
            const std::string a(address);
            return delivery::find_mailbox(exists_, delivery::domain_of(a), delivery::local_part_of(a)).has_value();
        };
        policy.check_credentials = [this](std::string_view login, std::string_view password) {
            return system_->login(login, password, default_domain_).has_value();
        };
        policy.now = [] { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); };
        context_.relay = policy;
        context_.submission = policy;
        context_.submission.submission = true;
        context_.submission.unique_token = [] {
            // microseconds + 64 random bits: unique without coordination between workers. Per
            // thread, not a worker's slot: any seeded engine will do, and none holds a service's state.
            thread_local std::mt19937_64 random{std::random_device{}()};
            const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::system_clock::now().time_since_epoch());
            char token[48];
            std::snprintf(token, sizeof token, "%llx.%016llx", static_cast<unsigned long long>(us.count()),
                          static_cast<unsigned long long>(random()));
            return std::string(token);
        };

        delivery::AgentConfig agent;
        agent.hostname = c.hostname;
        agent.local_domains = c.domains;
        agent.routes = c.routes;
        agent.mx_port = c.mx_port;
        agent.retry = c.retry;
        agent.max_active = c.max_active;
        agent.tls = c.relay_tls ? smtp::TlsPolicy::opportunistic : smtp::TlsPolicy::never;
        try {
            agent_ = std::make_unique<delivery::Agent>(agent, *spool_, *system_, exists_,
                                                       delivery::make_mx_resolver(c.resolver), runtime.blocking());
        } catch (const std::exception& e) {
            throw core::StartError(std::string("smtp: delivery: ") + e.what());
        }
        intake_ = std::make_unique<delivery::Intake>(*spool_, *system_, exists_, c.domains);
        context_.acceptor = intake_.get();
        context_.blocking = &runtime.blocking();

        std::vector<core::ServiceRow> rows;
        const Sample sample = sample_users();
        const std::string name = c.domains.empty() ? "" : "/" + c.domains[0];
        const std::string relay = listen(runtime, c.listen, false);
        rows.push_back(
            {"smtp" + name, relay, "swaks --server " + relay + " --from x@example.org --to " + sample.local});
        if (c.submission) {
            const std::string sub = listen(runtime, *c.submission, true);
            rows.push_back({"submission" + name, sub,
                            "layer7 mail send --server " + sub + " --starttls --insecure --user " + sample.user +
                                " --password-file " + sample.password_file + " --from " + sample.local + " --to " +
                                sample.remote + " --subject hello"});
        }
        for (const auto& line : demo)
            std::printf("%s\n", line.c_str());
        runtime.on_stop([this] { agent_->stop(); });
        runtime.on_reload([this] {  // SIGHUP: the users file again; retry the deferred mail now
            system_->reload();
            agent_->flush();
        });
        return rows;
    }

    // The agent starts once the whole run (or reload) has started: it takes the spool's Doorbell
    // from a reload's predecessor, which a reload that fails half-way must leave delivering. The
    // intake takes over the spool's acceptor then too, for the same reason.
    void on_started(const std::vector<core::ServiceRow>&) override
    {
        agent_->start();
        if (spool_acceptor_)
            spool_acceptor_->plug(*intake_);
    }

private:
    // Addresses for the try-it commands: a local user (alice@crepes.fr), one of another domain in the
    // users file (bob@hamburger.edu: mail that takes the MX hop), and where the demo keeps the password.
    struct Sample {
        std::string user, local, remote, password_file;
    };
    Sample sample_users() const
    {
        const auto snapshot = system_->users();
        const mail::Accounts& accounts = snapshot->accounts(default_domain_);
        const std::string& domain = default_domain_;
        const auto users = accounts.users_of(domain);
        Sample s;
        s.user = users.empty() ? "postmaster" : users[0];
        s.local = s.remote = s.user + "@" + domain;
        for (const auto& other : accounts.domains())
            if (auto theirs = accounts.users_of(other); other != domain && !theirs.empty()) {
                s.remote = theirs[0] + "@" + other;
                break;
            }
        s.password_file = config_.data_dir + "/passwords/" + s.user;
        if (::access(s.password_file.c_str(), R_OK) != 0)
            s.password_file = "PASSWORD-FILE";
        return s;
    }

    std::string listen(core::Runtime& runtime, const core::HostPort& where, bool submission)
    {
        return core::to_string(core::listen_tcp_or_throw(
            runtime, "smtp", where,
            core::Admission(config_.limits, "421 4.7.0 Too many connections, try again later\r\n"),
            [this, submission](core::TcpSocket socket) {
                return smtp::serve_connection(std::move(socket), context_, submission);
            }));
    }

    Config config_;
    std::string default_domain_;  // of users-file lines without domain=
    std::shared_ptr<mail::System> system_;
    std::unique_ptr<mail::Spool> spool_;
    std::unique_ptr<delivery::Agent> agent_;
    delivery::MailboxExists exists_;
    std::unique_ptr<delivery::Intake> intake_;
    std::shared_ptr<mail::AcceptorSlot> spool_acceptor_;  // where web mail reaches intake_; may be null
    smtp::ServerContext context_;
};

}  // namespace

bool valid_network(const std::string& cidr)
{
    return parse_network(cidr).has_value();
}

std::optional<delivery::StaticRoute> parse_route(const std::string& text)
{
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        return std::nullopt;
    auto hp = core::parse_host_port(text.substr(eq + 1), 25);
    if (!hp)
        return std::nullopt;
    return delivery::StaticRoute{mail::lower_domain(text.substr(0, eq)), *hp};
}

Config parse_config(core::Section s, const std::string& data_dir)
{
    Config c;
    c.data_dir = data_dir;
    core::parse_service_keys(s, c.enabled, c.listen, c.limits);
    c.submission = core::parse_optional_listen_address(s, "submission", c.submission);
    c.hostname = s.string("hostname", c.hostname);
    for (const auto& d : s.strings("domains", c.domains))
        c.domains.push_back(mail::lower_domain(d));
    c.users_file = s.string("users", c.users_file);
    c.mail_root = s.string("mail_root", c.mail_root);
    c.queue_dir = s.string("queue_dir", c.queue_dir);
    c.tls = s.boolean("tls", c.tls);
    core::parse_tls_keys(s, c.tls_cert, c.tls_key, c.tls_ciphers);
    s.require_readable_file("users", c.users_file);
    c.trusted_networks = s.strings("trusted_networks", c.trusted_networks);
    for (const auto& n : c.trusted_networks)
        if (!valid_network(n))
            s.error("trusted_networks", "'" + n + "' is not ADDRESS or ADDRESS/LENGTH");
    c.max_message_bytes = static_cast<std::size_t>(s.integer("max_message_bytes", 32 << 20, 1024, 1ll << 31));
    c.max_recipients = static_cast<std::size_t>(s.integer("max_recipients", 100, 1, 100000));
    c.auth_failure_delay = std::chrono::milliseconds(s.integer("auth_failure_delay_ms", 2000, 0, 60000));
    c.demo_users = s.boolean("demo_users", c.demo_users);
    if (c.enabled && c.demo_users)
        s.will_create(c.users_path());  // start() writes it before POP3 and IMAP start
    for (auto& r : s.sections("route")) {
        const std::string domain = r.string("domain", "");
        auto hop = core::parse_host_port(r.string("next_hop", ""), 25);
        if (domain.empty() || !hop)
            r.error("next_hop", "a route wants domain = \"D\" and next_hop = \"HOST:PORT\"");
        else
            c.routes.push_back({mail::lower_domain(domain), *hop});
        r.finish();
    }
    const std::string resolver = s.string("resolver", "");
    if (!resolver.empty()) {
        if (auto hp = core::parse_host_port(resolver, 53); hp && core::literal_address(hp->host))
            c.resolver = *hp;
        else
            s.error("resolver", "wants an IPv4 address with an optional port, e.g. \"127.0.0.1:5335\"");
    }
    c.mx_port = static_cast<std::uint16_t>(s.integer("mx_port", 25, 1, 65535));
    c.retry.min_backoff = s.seconds("retry_min", c.retry.min_backoff);
    c.retry.max_backoff = s.seconds("retry_max", c.retry.max_backoff);
    c.retry.max_age = s.seconds("max_queue_age", c.retry.max_age);
    c.max_active = static_cast<std::size_t>(s.integer("max_active", 20, 1, 10000));
    c.relay_tls = s.boolean("relay_tls", c.relay_tls);
    if (const auto io_threads = s.integer("io_threads", 0, 1, 256))  // 0: absent
        c.io_threads = static_cast<std::size_t>(io_threads);
    s.finish();
    return c;
}

std::unique_ptr<core::Service> make_service(const Config& config, std::shared_ptr<mail::System> system,
                                            std::shared_ptr<mail::AcceptorSlot> spool_acceptor)
{
    return std::make_unique<Service>(config, std::move(system), std::move(spool_acceptor));
}

}  // namespace layer7::mail::mta
