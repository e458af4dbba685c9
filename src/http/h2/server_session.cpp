// h2::ServerSession: see server_session.hpp.
#include "http/h2/server_session.hpp"

#include <nghttp2/nghttp2.h>

#include <array>

#include "http/h2/frame_text.hpp"
#include "http/message/status.hpp"

namespace layer7::http::h2 {

// Fields go straight into the Request, so the finished head is moved out without a copy.
struct ServerSession::Incoming {
    Request request;
    std::string path, authority;
    bool has_host = false;
    std::string cookies;        // RFC 9113 §8.2.3: cookie crumbs joined back into one field
    std::size_t list_size = 0;  // RFC 9113 §6.5.2: name + value + 32 per field
    bool too_large = false;
};

namespace {

char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

// Fields HTTP/2 does not carry (RFC 9113 §8.2.2): the connection is not the message's business.
bool connection_specific(std::string_view name)
{
    auto is = [&](std::string_view n) {
        if (n.size() != name.size())
            return false;
        for (std::size_t i = 0; i < n.size(); ++i)
            if (ascii_lower(name[i]) != n[i])
                return false;
        return true;
    };
    return is("connection") || is("keep-alive") || is("proxy-connection") || is("transfer-encoding") || is("upgrade");
}

std::string_view view(const std::uint8_t* p, std::size_t n)
{
    return {reinterpret_cast<const char*>(p), n};
}

}  // namespace

// nghttp2's callbacks, each forwarding to the session passed as user data.
struct Callbacks {
    static ServerSession& of(void* user) { return *static_cast<ServerSession*>(user); }

    static int begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user)
    {
        if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST)
            of(user).incoming_[frame->hd.stream_id] = std::make_unique<ServerSession::Incoming>();
        return 0;
    }

    static int header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name_p, std::size_t name_n,
                      const std::uint8_t* value_p, std::size_t value_n, std::uint8_t, void* user)
    {
        ServerSession& s = of(user);
        const std::string_view name = view(name_p, name_n), value = view(value_p, value_n);
        if (s.trace_)
            s.trace_fields_.push_back("    " + std::string(name) + ": " + std::string(value));
        const auto it = s.incoming_.find(frame->hd.stream_id);
        if (it == s.incoming_.end())
            return 0;  // trailers: nothing in them is acted on
        ServerSession::Incoming& in = *it->second;
        in.list_size += name.size() + value.size() + 32;
        if (in.list_size > s.limits_.max_header_list)
            in.too_large = true;
        if (in.too_large)
            return 0;
        // nghttp2 has checked the method token and the pseudo-header rules (RFC 9113 §8.3.1).
        if (name == ":method")
            in.request.method = Method::parse(value).value_or(Method{});
        else if (name == ":path")
            in.path = value;
        else if (name == ":authority")
            in.authority = value;
        else if (name == ":protocol")
            in.request.protocol = value;
        else if (name == "cookie")
            in.cookies.append(in.cookies.empty() ? "" : "; ").append(value);
        else if (!name.starts_with(':')) {
            in.has_host = in.has_host || name == "host";
            in.request.fields.add(name, value);
        }
        return 0;
    }

    static int frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user)
    {
        ServerSession& s = of(user);
        if (s.trace_)
            s.trace_frame(false, frame);
        const bool end_stream = frame->hd.flags & NGHTTP2_FLAG_END_STREAM;
        switch (frame->hd.type) {
        case NGHTTP2_HEADERS:
            if (s.incoming_.contains(frame->hd.stream_id))
                s.finish_head(frame->hd.stream_id, end_stream);
            else if (end_stream)
                s.events_.on_end_stream(frame->hd.stream_id);
            break;
        case NGHTTP2_DATA:
            if (end_stream)
                s.events_.on_end_stream(frame->hd.stream_id);
            break;
        default: break;
        }
        return 0;
    }

    static int data_chunk(nghttp2_session*, std::uint8_t, std::int32_t stream, const std::uint8_t* data, std::size_t n,
                          void* user)
    {
        of(user).events_.on_data(stream, view(data, n));
        return 0;
    }

    static int stream_close(nghttp2_session*, std::int32_t stream, std::uint32_t error_code, void* user)
    {
        ServerSession& s = of(user);
        s.incoming_.erase(stream);
        s.events_.on_stream_close(stream, error_code);
        return 0;
    }

    static int frame_send(nghttp2_session*, const nghttp2_frame* frame, void* user)
    {
        of(user).trace_frame(true, frame);
        return 0;
    }

    static int invalid_frame(nghttp2_session*, const nghttp2_frame* frame, int error, void* user)
    {
        ServerSession& s = of(user);
        s.events_.on_trace(false, std::string("invalid ") + std::string(frame_type_name(frame->hd.type)) +
                                      " on stream " + std::to_string(frame->hd.stream_id) + ": " +
                                      nghttp2_strerror(error));
        return 0;
    }

    static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buffer, std::size_t max,
                             std::uint32_t* flags, nghttp2_data_source* source, void*)
    {
        auto* body = static_cast<OutBody*>(source->ptr);
        const OutBody::Pulled pulled = body->pull(buffer, max);
        switch (pulled.state) {
        case OutBody::State::end: *flags |= NGHTTP2_DATA_FLAG_EOF; return static_cast<ssize_t>(pulled.n);
        case OutBody::State::wait: return pulled.n > 0 ? static_cast<ssize_t>(pulled.n) : ssize_t{NGHTTP2_ERR_DEFERRED};
        case OutBody::State::fail: return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // RST_STREAM INTERNAL_ERROR
        case OutBody::State::more: break;
        }
        return static_cast<ssize_t>(pulled.n);
    }
};

ServerSession::ServerSession(SessionEvents& events, const SessionLimits& limits, bool trace)
    : events_(events), limits_(limits), trace_(trace)
{
    nghttp2_session_callbacks* cb = nullptr;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_begin_headers_callback(cb, Callbacks::begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cb, Callbacks::header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, Callbacks::frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, Callbacks::data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, Callbacks::stream_close);
    if (trace_) {
        nghttp2_session_callbacks_set_on_frame_send_callback(cb, Callbacks::frame_send);
        nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(cb, Callbacks::invalid_frame);
    }

    nghttp2_option* opt = nullptr;
    nghttp2_option_new(&opt);
    nghttp2_option_set_no_auto_window_update(opt, 1);  // credit only what the application consumed
    nghttp2_option_set_builtin_recv_extension_type(opt, NGHTTP2_PRIORITY_UPDATE);
    nghttp2_option_set_max_continuations(opt, limits_.max_continuations);
    nghttp2_option_set_stream_reset_rate_limit(opt, limits_.reset_burst, limits_.reset_rate);
    nghttp2_option_set_max_settings(opt, limits_.max_settings_entries);
    nghttp2_option_set_max_outbound_ack(opt, limits_.max_outbound_ack);
    nghttp2_session_server_new2(&session_, cb, this, opt);
    nghttp2_option_del(opt);
    nghttp2_session_callbacks_del(cb);

    const std::array<nghttp2_settings_entry, 6> settings{{
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limits_.max_concurrent_streams},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, limits_.stream_window},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, limits_.max_header_list},
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_NO_RFC7540_PRIORITIES, 1},
        {NGHTTP2_SETTINGS_ENABLE_CONNECT_PROTOCOL, 1},  // WebSocket over a stream (RFC 8441 §3)
    }};
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
    nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0,
                                          static_cast<std::int32_t>(limits_.connection_window));
}

ServerSession::~ServerSession()
{
    nghttp2_session_del(session_);
}

bool ServerSession::feed(std::string_view bytes)
{
    const auto n =
        nghttp2_session_mem_recv(session_, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    if (n >= 0)
        return true;
    if (trace_)
        events_.on_trace(false, std::string("connection error: ") + nghttp2_strerror(static_cast<int>(n)));
    // nghttp2 drops a flooding peer without a word; tell it why (RFC 9113 §5.4.1: GOAWAY first).
    if (n == NGHTTP2_ERR_TOO_MANY_CONTINUATIONS || n == NGHTTP2_ERR_FLOODED)
        nghttp2_session_terminate_session(session_, NGHTTP2_ENHANCE_YOUR_CALM);
    return false;
}

bool ServerSession::upgrade(std::string_view settings, bool head_request)
{
    return nghttp2_session_upgrade2(session_, reinterpret_cast<const std::uint8_t*>(settings.data()), settings.size(),
                                    head_request ? 1 : 0, nullptr) == 0;
}

void ServerSession::finish_head(std::int32_t stream, bool end_stream)
{
    auto node = incoming_.extract(stream);
    Incoming& in = *node.mapped();
    if (in.too_large) {
        const Status status = Status::request_header_fields_too_large;
        const std::string code = std::to_string(http::code(status));
        nghttp2_nv nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(":status")),
                      reinterpret_cast<std::uint8_t*>(const_cast<char*>(code.data())), 7, code.size(),
                      NGHTTP2_NV_FLAG_NONE};
        nghttp2_submit_response(session_, stream, &nv, 1, nullptr);
        return;
    }
    Request& request = in.request;
    request.version = {2, 0};
    if (request.method.id() == MethodId::connect && request.protocol.empty())
        request.target = in.authority;  // a tunnel (RFC 9113 §8.5); an extended CONNECT has a :path
    else
        request.target = std::move(in.path);
    // The fields an HTTP/1.1 handler expects: Host from :authority (RFC 9113 §8.3.1), one Cookie.
    if (!in.has_host && !in.authority.empty())
        request.fields.add("host", in.authority);
    if (!in.cookies.empty())
        request.fields.add("cookie", in.cookies);
    events_.on_request(stream, std::move(request), end_stream);
}

namespace {

// The response as HPACK input: :status, then the fields with lower-case names (kept in `names`,
// which must outlive the list) and without the connection-specific ones.
std::vector<nghttp2_nv> header_list(const Response& response, std::string& status, std::vector<std::string>& names)
{
    status = std::to_string(code(response.status));
    names.reserve(response.fields.size());
    std::vector<nghttp2_nv> nva;
    nva.reserve(response.fields.size() + 1);
    auto add = [&](std::string_view name, std::string_view value) {
        nva.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
                       reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
                       NGHTTP2_NV_FLAG_NONE});
    };
    add(":status", status);
    for (Field f : response.fields) {
        if (connection_specific(f.name))
            continue;
        std::string& lower = names.emplace_back(f.name);
        for (char& c : lower)
            c = ascii_lower(c);
        add(lower, f.value);
    }
    return nva;
}

}  // namespace

void ServerSession::respond(std::int32_t stream, const Response& response, OutBody* body)
{
    std::string status;
    std::vector<std::string> names;
    const std::vector<nghttp2_nv> nva = header_list(response, status, names);
    // nghttp2 copies the fields before returning.
    if (body) {
        nghttp2_data_provider provider;
        provider.source.ptr = body;
        provider.read_callback = Callbacks::read_body;
        nghttp2_submit_response(session_, stream, nva.data(), nva.size(), &provider);
    } else {
        nghttp2_submit_response(session_, stream, nva.data(), nva.size(), nullptr);
    }
}

void ServerSession::inform(std::int32_t stream, const Response& response)
{
    std::string status;
    std::vector<std::string> names;
    const std::vector<nghttp2_nv> nva = header_list(response, status, names);
    nghttp2_submit_headers(session_, NGHTTP2_FLAG_NONE, stream, nullptr, nva.data(), nva.size(), nullptr);
}

void ServerSession::resume(std::int32_t stream)
{
    nghttp2_session_resume_data(session_, stream);
}

void ServerSession::reset(std::int32_t stream, std::uint32_t error_code)
{
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream, error_code);
}

void ServerSession::consume(std::int32_t stream, std::size_t n)
{
    if (n > 0)
        nghttp2_session_consume(session_, stream, n);
}

void ServerSession::shutdown_notice()
{
    nghttp2_submit_shutdown_notice(session_);
}

void ServerSession::goaway()
{
    nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(session_),
                          NGHTTP2_NO_ERROR, nullptr, 0);
}

bool ServerSession::output(std::string& out, std::size_t soft_max)
{
    while (out.size() < soft_max) {
        const std::uint8_t* data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(session_, &data);
        if (n < 0)
            return false;
        if (n == 0)
            break;
        out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    return true;
}

bool ServerSession::want_write() const
{
    return nghttp2_session_want_write(session_) != 0;
}

bool ServerSession::done() const
{
    return !nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_);
}

void ServerSession::trace_frame(bool ours, const void* frame_p)
{
    const auto* frame = static_cast<const nghttp2_frame*>(frame_p);
    const nghttp2_frame_hd& hd = frame->hd;
    events_.on_trace(ours, frame_line(frame));
    if (ours && (hd.type == NGHTTP2_HEADERS)) {
        for (std::size_t i = 0; i < frame->headers.nvlen; ++i) {
            const nghttp2_nv& nv = frame->headers.nva[i];
            events_.on_trace(true, "    " + std::string(view(nv.name, nv.namelen)) + ": " +
                                       std::string(view(nv.value, nv.valuelen)));
        }
    }
    if (!ours) {
        for (const std::string& f : trace_fields_)
            events_.on_trace(false, f);
        trace_fields_.clear();
    }
}

}  // namespace layer7::http::h2
