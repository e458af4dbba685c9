// `layer7 get URL`: the HTTP/1.1 and HTTP/2 client — methods, bodies, headers, redirects, a cookie
// jar curl can share, HTTPS with verification, proxies, bodies streamed to -o or stdout, and --page:
// a base page and the objects it references with per-object timings (persistent vs --no-keepalive,
// or every object at once as streams of one HTTP/2 connection).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/common.hpp"
#include "core/fs/write_all.hpp"
#include "core/log/progress_bar.hpp"
#include "core/net/tls.hpp"
#include "http/client/fetch.hpp"
#include "http/client/page_links.hpp"
#include "http/client/redirect.hpp"
#include "http/h1/head_syntax.hpp"

namespace layer7::cli {

namespace {

namespace hc = http::client;

// Content bytes a download may have (-o streams them to disk, so this is not a memory bound).
constexpr std::uint64_t max_body = 1ull << 34;

constexpr const char* exit_codes_help = R"(Exit codes (as curl's where they overlap):
  0 success            2 usage              3 bad URL            6 unknown host
  7 connection refused or failed            8 malformed response 22 HTTP error with --fail
  23 cannot write -o   26 cannot read -d @FILE                   28 timeout
  35 TLS failure (certificate not trusted, wrong name)           47 too many redirects
  52 empty reply       56 connection closed mid-response         77 bad --cacert file
  97 the proxy refused the CONNECT tunnel)";

int exit_code(hc::Error e)
{
    switch (e) {
    case hc::Error::bad_url: return 3;
    case hc::Error::unknown_host: return 6;
    case hc::Error::refused: return 7;
    case hc::Error::connect_failed: return 7;
    case hc::Error::timeout: return 28;
    case hc::Error::tls: return 35;
    case hc::Error::proxy_failed: return 97;
    case hc::Error::bad_response: return 8;
    case hc::Error::empty_reply: return 52;
    case hc::Error::closed: return 56;
    case hc::Error::too_many_redirects: return 47;
    case hc::Error::request_body: return 26;
    }
    return 1;
}

struct Args {
    std::string url, method, data, output, proxy, jar, cacert;
    std::vector<std::string> headers;
    bool head = false, follow = false, http2 = false, http2_prior = false, verbose = false, fail = false;
    bool insecure = false;
    bool page = false, no_keepalive = false;
    unsigned parallel = 1;  // --page: objects fetched at once (each worker on its own connection)
    int rtt = 0;            // --rtt MS: emulated round-trip time
    int max_redirs = 20;
    double timeout = 30, connect_timeout = 10;
};

std::string status_line(const http::Response& r)
{
    const std::string version = r.version.major >= 2
                                    ? std::to_string(r.version.major)  // "HTTP/2 200", as curl prints it
                                    : std::to_string(r.version.major) + "." + std::to_string(r.version.minor);
    return "HTTP/" + version + " " + std::to_string(http::code(r.status)) +
           (r.reason.empty() ? std::string(http::reason_phrase(r.status)).insert(0, " ") : " " + r.reason);
}

void print_verbose(const hc::Exchange& ex)
{
    std::cerr << "* " << (ex.timing.reused ? "Re-using connection to " : "Connected to ") << ex.peer << "\n";
    std::istringstream head(ex.request_head);
    for (std::string line; std::getline(head, line);) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        std::cerr << "> " << line << "\n";
    }
    std::cerr << "< " << status_line(ex.response) << "\n";
    for (auto f : ex.response.fields)
        std::cerr << "< " << f.name << ": " << f.value << "\n";
    std::cerr << "<\n";
}

double ms(std::chrono::steady_clock::duration d)
{
    return std::chrono::duration<double, std::milli>(d).count();
}

class Get {
public:
    Get(Args a, hc::Options options) : a_(std::move(a)), client_(std::move(options)) {}

    core::awaitable<void> run()
    {
        // Two statements, not `co_await (c ? a() : b())`: GCC 12 frees that temporary too early.
        if (a_.page)
            status_ = co_await page();
        else
            status_ = co_await single();
        client_.close_idle();  // HTTP/2 connections run their own reader: end them so the loop ends
    }
    int status() const { return status_; }

private:
    int report(const hc::Failure& f)
    {
        std::cerr << "layer7 get: " << hc::describe(f.error) << (f.detail.empty() ? "" : ": " + f.detail) << "\n";
        return exit_code(f.error);
    }

    // The request the flags describe; false (and a message) for a malformed -H.
    bool build(http::Request& request, std::string& body)
    {
        request.method =
            http::Method(a_.head ? http::MethodId::head : (a_.data_given ? http::MethodId::post : http::MethodId::get));
        if (!a_.method.empty()) {
            auto m = http::Method::parse(a_.method);
            if (!m) {
                std::cerr << "layer7 get: -X wants a method token, got '" << a_.method << "'\n";
                return false;
            }
            request.method = *m;
        }
        request.fields.add("User-Agent", "layer7/0.1");
        request.fields.add("Accept", "*/*");
        for (const auto& h : a_.headers) {
            http::Fields parsed;
            if (http::h1::parse_field_line(h, parsed) || parsed.empty()) {
                std::cerr << "layer7 get: -H wants 'Name: value', got '" << h << "'\n";
                return false;
            }
            request.fields.set(parsed[0].name, parsed[0].value);
        }
        body = a_.body;
        if (a_.data_given && !request.fields.contains("Content-Type"))
            request.fields.add("Content-Type", "application/x-www-form-urlencoded");
        return true;
    }

    hc::FetchOptions fetch_options(bool follow)
    {
        hc::FetchOptions o;
        o.max_redirects = follow ? a_.max_redirs : 0;
        o.jar = jar_;
        if (a_.verbose)
            o.on_exchange = print_verbose;
        return o;
    }

    core::awaitable<int> single()
    {
        http::Request request;
        std::string body;
        if (!build(request, body))
            co_return exit_usage;
        hc::FetchOptions options = fetch_options(a_.follow);
        options.max_decoded = max_body;
        auto r = co_await hc::fetch_stream(client_, a_.url, request, body, options);
        if (!r)
            co_return report(r.error());
        hc::ResponseStream& last = r->last;
        const int status = http::code(last.response.status);
        if (a_.fail && status >= 400) {
            std::cerr << "layer7 get: The requested URL returned error: " << status << "\n";
            co_return 22;
        }
        if (a_.head) {
            std::string out = status_line(last.response) + "\r\n";
            for (auto f : last.response.fields)
                out += std::string(f.name) + ": " + std::string(f.value) + "\r\n";
            out += "\r\n";
            std::fwrite(out.data(), 1, out.size(), stdout);
            co_return 0;
        }
        if (a_.output.empty() || a_.output == "-")
            co_return co_await to_stdout(last);
        co_return co_await to_file(last);
    }

    core::awaitable<int> to_stdout(hc::ResponseStream& last)
    {
        for (;;) {
            std::string_view piece;
            if (auto ec = co_await last.body->next(piece))
                co_return report(hc::body_failure(ec, last.peer));
            if (piece.empty())
                break;
            if (std::fwrite(piece.data(), 1, piece.size(), stdout) != piece.size())
                co_return 23;
        }
        std::fflush(stdout);
        co_return 0;
    }

    // -o FILE: the content goes to FILE.part as it arrives, renamed to FILE once complete, so FILE
    // is never a truncated download; memory stays at one read buffer whatever the size. A device
    // or FIFO (-o /dev/null) is written directly.
    core::awaitable<int> to_file(hc::ResponseStream& last)
    {
        const bool in_place = core::is_special_file(a_.output);
        const std::string part = in_place ? a_.output : a_.output + ".part";
        const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            std::cerr << "layer7 get: cannot write " << part << ": " << std::strerror(errno) << "\n";
            co_return 23;
        }
        const auto total = last.body->size();
        core::ProgressBar bar(::isatty(STDERR_FILENO) != 0, 0, total.value_or(0));
        std::uint64_t moved = 0;
        int rc = 0;
        for (;;) {
            std::string_view piece;
            if (auto ec = co_await last.body->next(piece)) {
                rc = report(hc::body_failure(ec, last.peer));
                break;
            }
            if (piece.empty())
                break;
            if (auto failed = core::write_all(fd, piece)) {
                std::cerr << "layer7 get: cannot write " << part << ": " << failed.message() << "\n";
                rc = 23;
                break;
            }
            moved += piece.size();
            bar.update(moved);
        }
        if (::close(fd) != 0 && rc == 0) {
            std::cerr << "layer7 get: cannot write " << part << ": " << std::strerror(errno) << "\n";
            rc = 23;
        }
        if (rc == 0 && !in_place && std::rename(part.c_str(), a_.output.c_str()) != 0) {
            std::cerr << "layer7 get: cannot rename " << part << " to " << a_.output << ": " << std::strerror(errno)
                      << "\n";
            rc = 23;
        }
        if (rc != 0 && !in_place)
            ::unlink(part.c_str());
        co_return rc;
    }

    // The objects of a page still to fetch, shared by the --parallel workers (one thread: no locks).
    struct Objects {
        std::vector<std::string> urls;
        http::Request request;
        hc::FetchOptions options;
        std::vector<std::pair<std::string, hc::Exchange>> rows;  // rows[i + 1] is urls[i]
        std::size_t next = 0;
        std::optional<hc::Failure> failure;
        std::size_t workers_left = 0;
        std::optional<asio::steady_timer> all_done;
    };

    // One connection's worth of work: takes the next object until none is left (or one failed).
    core::awaitable<void> object_worker(Objects& objects)
    {
        while (objects.next < objects.urls.size() && !objects.failure) {
            const std::size_t i = objects.next++;
            std::string url = objects.urls[i];  // named locals: GCC 12 and temporaries in co_await arguments
            http::Request get = objects.request;
            std::string no_body;
            auto r = co_await hc::fetch(client_, std::move(url), std::move(get), std::move(no_body), objects.options);
            if (!r) {
                objects.failure = r.error();
                break;
            }
            objects.rows[i + 1] = {r->url, std::move(r->last)};
        }
        if (--objects.workers_left == 0)
            objects.all_done->cancel();
    }

    // The textbook's page load: the base HTML, then the objects it references — one at a time, or
    // over --parallel N connections at once.
    core::awaitable<int> page()
    {
        http::Request request;
        std::string body;
        if (!build(request, body))
            co_return exit_usage;
        const auto started = std::chrono::steady_clock::now();
        Objects objects;
        objects.options = fetch_options(true);
        auto base = co_await hc::fetch(client_, a_.url, request, body, objects.options);
        if (!base)
            co_return report(base.error());
        objects.rows.emplace_back(base->url, base->last);
        const auto base_url = http::parse_url(base->url);
        for (const auto& link : hc::page_links(base->last.body))
            if (auto url = hc::resolve_reference(*base_url, link))
                objects.urls.push_back(*url);
        std::string none;
        a_.head = false;
        a_.data_given = false;
        a_.method.clear();
        if (!build(objects.request, none))
            co_return exit_usage;
        objects.rows.resize(1 + objects.urls.size());
        if (!objects.urls.empty()) {
            const auto executor = co_await asio::this_coro::executor;
            objects.all_done.emplace(executor, asio::steady_timer::time_point::max());
            // HTTP/2: every object at once, each a stream of the one connection (RFC 9113 §5).
            const std::size_t workers = a_.http2 || a_.http2_prior ? objects.urls.size() : std::max(a_.parallel, 1u);
            objects.workers_left = std::min<std::size_t>(workers, objects.urls.size());
            for (std::size_t w = objects.workers_left; w > 0; --w)
                asio::co_spawn(executor, object_worker(objects), asio::detached);
            while (objects.workers_left > 0)
                co_await objects.all_done->async_wait(core::use_tuple);  // cancelled by the last worker
        }
        if (objects.failure)
            co_return report(*objects.failure);
        print_page(objects.rows, std::chrono::steady_clock::now() - started);
        co_return 0;
    }

    void print_page(const std::vector<std::pair<std::string, hc::Exchange>>& rows,
                    std::chrono::steady_clock::duration total) const
    {
        std::printf("%-3s %-6s %9s %-6s %10s %10s %10s  %s\n", "#", "status", "bytes", "conn", "connect_ms", "ttfb_ms",
                    "total_ms", "url");
        std::uint64_t bytes = 0;
        int connections = 0;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto& [url, ex] = rows[i];
            bytes += ex.body.size();
            connections += ex.timing.reused ? 0 : 1;
            std::printf("%-3zu %-6d %9zu %-6s %10.2f %10.2f %10.2f  %s\n", i, http::code(ex.response.status),
                        ex.body.size(), ex.timing.reused ? "reused" : "new", ms(ex.timing.connect),
                        ms(ex.timing.first_byte), ms(ex.timing.total), url.c_str());
        }
        const bool h2 = !rows.empty() && rows.front().second.response.version.major == 2;
        std::string mode = h2                ? "HTTP/2, " + std::to_string(rows.size()) + " streams"
                           : a_.no_keepalive ? "non-persistent"
                                             : "persistent";
        if (a_.parallel > 1 && !h2)
            mode += ", " + std::to_string(a_.parallel) + " parallel";
        if (a_.rtt > 0)
            mode += ", RTT " + std::to_string(a_.rtt) + " ms emulated";
        std::printf("total: %zu objects, %llu bytes, %d TCP connection%s (%s), %.2f ms\n", rows.size(),
                    static_cast<unsigned long long>(bytes), connections, connections == 1 ? "" : "s", mode.c_str(),
                    ms(total));
        std::fflush(stdout);
    }

public:
    hc::CookieJar* jar_ = nullptr;

private:
    struct A : Args {  // the flags plus the request body they describe
        bool data_given = false;
        std::string body;
        explicit A(Args a) : Args(std::move(a)) {}
    } a_;
    hc::Client client_;
    int status_ = 1;

public:
    void set_body(std::string body)
    {
        a_.data_given = true;
        a_.body = std::move(body);
    }
};

std::optional<std::string> read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

void add_get_commands(CLI::App& app, Globals& g)
{
    static Args a;
    static bool data_given = false;
    auto* get = app.add_subcommand("get", "HTTP/1.1 and HTTP/2 client: fetch a URL (like curl)");
    get->footer(exit_codes_help);
    get->add_option("url", a.url, "http:// or https:// URL")->required();
    get->add_option("-X,--request", a.method, "Request method (default GET; POST with -d; HEAD with -I)");
    get->add_option("-d,--data", a.data, "Request body, or @FILE to send a file's content")
        ->each([](const std::string&) { data_given = true; });
    get->add_option("-H,--header", a.headers, "Extra header 'Name: value' (repeatable)");
    get->add_option("-o,--output", a.output, "Write the body to FILE instead of stdout");
    get->add_flag("-I,--head", a.head, "HEAD request; print the response header");
    get->add_flag("-L,--location", a.follow, "Follow redirects (301 302 303 307 308)");
    get->add_option("--max-redirs", a.max_redirs, "Hop limit for -L (default 20)");
    get->add_option("--proxy,-x", a.proxy, "Use an HTTP proxy: http://host:port");
    get->add_option("--cookie-jar,-c", a.jar, "Netscape cookies.txt to read and update (curl -b/-c compatible)");
    get->add_flag("--http2", a.http2, "HTTP/2 on https when the server offers it by ALPN, else HTTP/1.1");
    get->add_flag("--http2-prior-knowledge", a.http2_prior, "HTTP/2 without asking, on http:// (h2c) and https://");
    get->add_flag("-v,--verbose", a.verbose, "Show both header blocks ('> ' sent, '< ' received) on stderr");
    get->add_flag("-f,--fail", a.fail, "Exit 22 without output when the status is 400 or above");
    get->add_option("--cacert", a.cacert, "Trust the CA certificates in this PEM file");
    get->add_flag("-k,--insecure", a.insecure, "Do not verify the server's certificate");
    get->add_flag("--page", a.page, "Fetch the page and every img/script/link it references; print timings");
    get->add_flag("--no-keepalive", a.no_keepalive, "A new TCP connection per request (non-persistent HTTP)");
    get->add_option("--parallel", a.parallel, "With --page: fetch the objects over N connections at once (default 1)")
        ->check(CLI::Range(1u, 64u));
    get->add_option("--rtt", a.rtt, "Add MS of delay per round trip (connect, TLS, each request) to emulate distance")
        ->check(CLI::Range(0, 60000));
    get->add_option("--timeout,-m", a.timeout, "Seconds without progress before giving up (default 30)");
    get->add_option("--connect-timeout", a.connect_timeout, "Seconds to connect (default 10)");
    get->callback([&g] {
        setup(g, "warn");
        auto url = http::parse_url(a.url);
        if (!url || (url->scheme != "http" && url->scheme != "https")) {
            std::cerr << "layer7 get: not an http:// or https:// URL: '" << a.url << "'\n";
            g.status = 3;
            return;
        }
        hc::Options options;
        try {
            options.tls = core::make_client_tls(a.cacert, a.insecure);
        } catch (const std::exception& e) {
            std::cerr << "layer7 get: " << e.what() << "\n";
            g.status = 77;
            return;
        }
        if (!a.proxy.empty()) {
            options.proxy = http::parse_url(a.proxy.find("://") == std::string::npos ? "http://" + a.proxy : a.proxy);
            if (!options.proxy || options.proxy->scheme != "http") {
                std::cerr << "layer7 get: --proxy wants http://host:port, got '" << a.proxy << "'\n";
                g.status = exit_usage;
                return;
            }
        }
        options.keep_alive = !a.no_keepalive;
        options.http2 = a.http2_prior ? hc::Http2::prior_knowledge : a.http2 ? hc::Http2::alpn : hc::Http2::off;
        options.emulated_rtt = std::chrono::milliseconds(a.rtt);
        options.io_timeout = std::chrono::milliseconds(static_cast<long>(a.timeout * 1000));
        options.connect_timeout = std::chrono::milliseconds(static_cast<long>(a.connect_timeout * 1000));
        options.limits.max_body = max_body;

        std::string body;
        if (data_given) {
            if (a.data.starts_with('@')) {
                auto content = read_file(a.data.substr(1));
                if (!content) {
                    std::cerr << "layer7 get: cannot read " << a.data.substr(1) << "\n";
                    g.status = 26;
                    return;
                }
                body = std::move(*content);
            } else {
                body = a.data;
            }
        }
        const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
        hc::CookieJar jar;
        if (!a.jar.empty())
            if (auto text = read_file(a.jar))
                jar.load(*text, now);

        asio::io_context io;
        Get run(a, std::move(options));
        if (data_given)
            run.set_body(std::move(body));
        if (!a.jar.empty())
            run.jar_ = &jar;
        asio::co_spawn(io, run.run(), asio::detached);
        io.run();
        g.status = run.status();
        if (!a.jar.empty()) {
            jar.remove_expired(now);
            const bool in_place = core::is_special_file(a.jar);  // -c /dev/null: not replaced
            const std::string tmp = in_place ? a.jar : a.jar + ".tmp";
            std::ofstream out(tmp, std::ios::trunc);
            out << jar.save();
            out.close();
            if (!out || (!in_place && std::rename(tmp.c_str(), a.jar.c_str()) != 0))
                std::cerr << "layer7 get: cannot write the cookie jar " << a.jar << "\n";
        }
    });
}

}  // namespace layer7::cli
