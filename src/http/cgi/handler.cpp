// CgiHandler: see handler.hpp.
#include "http/cgi/handler.hpp"

#include <climits>
#include <cstdlib>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "http/cgi/meta_variables.hpp"
#include "http/cgi/script_io.hpp"
#include "http/cgi/script_path.hpp"
#include "http/message/token.hpp"

namespace layer7::http::cgi {

namespace {

// A local redirect is marked so that scripts redirecting to each other end (Apache stops at 10).
constexpr std::string_view redirect_mark = "X-Layer7-Cgi-Redirect";
constexpr int max_local_redirects = 5;

std::string absolute_dir(const std::string& dir)
{
    char resolved[PATH_MAX];
    if (!::realpath(dir.c_str(), resolved))
        throw std::system_error(errno, std::generic_category(), "cgi directory " + dir);
    return resolved;
}

// A body that is empty: the re-dispatched GET of a local redirect has none.
class NoBody final : public core::ByteSource {
public:
    core::awaitable<std::error_code> next(std::string_view& chunk) override
    {
        chunk = {};
        co_return std::error_code{};
    }
    std::optional<std::uint64_t> size() const override { return 0; }
};

// Fields of the script's that are the server's business: the framing of this connection.
bool is_framing_field(std::string_view name)
{
    for (std::string_view f : {"Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Upgrade",
                               "Proxy-Connection", "TE", "Trailer"})
        if (iequals(name, f))
            return true;
    return false;
}

Reply gateway_error(Status status)
{
    return error_reply(status);
}

}  // namespace

CgiHandler::CgiHandler(Options options, Handler& server)
    : options_(std::move(options)), root_(absolute_dir(options_.dir)), server_(server)
{
    options_.dir = root_.path();
}

core::awaitable<Outcome> CgiHandler::handle(Exchange& exchange)
{
    const Request& request = exchange.request;
    const RequestContext& context = exchange.context;
    std::string_view rest = context.path;
    rest.remove_prefix(std::min(rest.size(), context.mount.size()));
    while (rest.starts_with('/'))
        rest.remove_prefix(1);
    ScriptPath script = find_script(root_, rest);
    if (script.status != Status::ok)
        co_return error_reply(script.status);

    // The script's real path must stay inside the directory: the kernel's check above is on the
    // lookup; exec'ing the resolved path leaves no symlink to swap in between.
    char resolved[PATH_MAX];
    const std::string full = options_.dir + "/" + script.relative;
    if (!::realpath(full.c_str(), resolved) || !std::string_view(resolved).starts_with(options_.dir + "/"))
        co_return error_reply(Status::forbidden);

    // RFC 3875 §4.1.2: CONTENT_LENGTH is the body's size, known before the script starts. A chunked
    // body has none; rather than hold it whole, ask for a length (RFC 9110 §15.5.12).
    const bool has_body = request.fields.contains("Content-Length") || request.fields.contains("Transfer-Encoding");
    const auto body_size = exchange.body.size();
    if (has_body && !body_size)
        co_return error_reply(Status::length_required);

    const std::string script_name =
        std::string(context.mount.ends_with('/') ? context.mount.substr(0, context.mount.size() - 1) : context.mount) +
        "/" + script.relative;
    const std::string remote = context.peer ? context.peer->address().to_string() : "";
    MetaInput meta{.request = request,
                   .script_name = script_name,
                   .path_info = script.path_info,
                   .query = context.query,
                   .script_filename = resolved,
                   .content_length = has_body ? body_size : std::nullopt,
                   .server_name = options_.server_name,
                   .server_port = options_.server_port,
                   .remote_addr = remote,
                   .remote_port = context.peer ? context.peer->port() : std::uint16_t{0},
                   .https = context.tls};
    SpawnSpec spec;
    spec.program = resolved;
    spec.environment = meta_variables(meta);
    spec.directory = std::filesystem::path(resolved).parent_path().string();
    spec.time_limit = options_.time_limit;
    spec.log_name = script_name;

    auto executor = co_await asio::this_coro::executor;
    auto [spawn_error, child] = Child::spawn(executor, spec);
    if (spawn_error) {
        spdlog::error("cgi: cannot run {}: {}", script_name, spawn_error.message());
        co_return gateway_error(Status::internal_server_error);
    }
    auto io =
        std::make_unique<ScriptIo>(std::move(child), has_body ? &exchange.body : nullptr, has_body ? *body_size : 0);

    // The header block, as the output arrives.
    HeaderParser parser(options_.header);
    std::string buffer(16 * 1024, '\0');
    std::string first_body;
    while (parser.state() == HeaderParser::State::need_more) {
        auto [ec, n] = co_await io->read(buffer);
        if (ec || n == 0) {
            parser.finish();
            break;
        }
        const std::string_view got(buffer.data(), n);
        const std::size_t used = parser.feed(got);
        if (parser.state() == HeaderParser::State::done)
            first_body.assign(got.substr(used));
    }
    const std::string who = remote.empty() ? script_name : script_name + " for " + remote;
    if (parser.state() == HeaderParser::State::failed) {
        if (io->child().timed_out()) {
            spdlog::warn("cgi: {}: no header block within {}s: 504", who, options_.time_limit.count());
            co_return gateway_error(Status::gateway_timeout);
        }
        spdlog::warn("cgi: {}: {}: 502", who, describe(parser.error()));
        co_return gateway_error(Status::bad_gateway);
    }

    ScriptHeader& head = parser.header();
    if (head.kind() == ResponseKind::local_redirect) {
        // §6.2.2: the server answers as if the client had asked for that path; the script's
        // output ends here (its body, if any, is dropped with it).
        co_return co_await local_redirect(exchange, head.location);
    }
    Reply reply;
    Response& response = reply.response;
    if (head.kind() == ResponseKind::client_redirect && !head.status)
        response.status = Status::found;  // §6.2.3
    else
        response.status = static_cast<Status>(head.status.value_or(200));
    response.reason = head.reason;
    if (!head.content_type.empty())
        response.fields.add("Content-Type", head.content_type);
    if (!head.location.empty())
        response.fields.add("Location", head.location);
    for (Field f : head.fields)
        if (!is_framing_field(f.name))
            response.fields.add(f.name, f.value);
    reply.source = std::make_shared<OutputSource>(std::move(io), std::move(first_body), options_.max_output, who);
    co_return reply;
}

core::awaitable<Outcome> CgiHandler::local_redirect(Exchange& exchange, const std::string& location)
{
    const Request& original = exchange.request;
    int depth = 0;
    if (auto mark = original.fields.get(redirect_mark))
        depth = std::atoi(std::string(*mark).c_str());
    if (depth >= max_local_redirects) {
        spdlog::warn("cgi: more than {} local redirects, the last to {}: 502", max_local_redirects, location);
        co_return gateway_error(Status::bad_gateway);
    }
    Request again;
    again.method = original.method == MethodId::head ? Method(MethodId::head) : Method(MethodId::get);
    again.target = location;
    again.version = original.version;
    for (Field f : original.fields)
        if (!iequals(f.name, "Content-Length") && !iequals(f.name, "Transfer-Encoding") &&
            !iequals(f.name, "Content-Type") && !iequals(f.name, "Expect") && !iequals(f.name, redirect_mark))
            again.fields.add(f.name, f.value);
    again.fields.add(redirect_mark, std::to_string(depth + 1));
    // A stateless empty body: the reply may outlive this frame and still refer to it.
    static NoBody no_body;
    RequestContext context = exchange.context;
    context.path = {};
    context.query = {};
    context.mount = {};
    Exchange nested{again, no_body, context};
    co_return co_await server_.handle(nested);
}

std::shared_ptr<Handler> make_handler(const CgiConfig& mount, Handler& server, const ServerConfig& config)
{
    Options o;
    o.prefix = mount.prefix;
    o.dir = mount.dir;
    o.time_limit = mount.time_limit;
    o.max_output = mount.max_output;
    o.header.max_block = config.limits.max_header;
    if (config.listen) {
        o.server_name = config.listen->host;
        o.server_port = config.listen->port;
    }
    return std::make_shared<CgiHandler>(std::move(o), server);
}

}  // namespace layer7::http::cgi
