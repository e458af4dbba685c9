// h2::ClientSession: see client_session.hpp.
#include "http/h2/client_session.hpp"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "http/h2/frame_text.hpp"

namespace layer7::http::h2 {

struct ClientSession::Stream {
    Response response;
    int status = 0;
    std::string body;  // the request body, sent as the windows open
    std::size_t sent = 0;
    std::size_t list_size = 0;
    bool too_large = false;
    bool delivered = false;  // the final head went out: later HEADERS are trailers
};

namespace {

std::string_view view(const std::uint8_t* p, std::size_t n)
{
    return {reinterpret_cast<const char*>(p), n};
}

bool connection_specific(std::string_view name)
{
    std::string lower(name);
    for (auto& c : lower)
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return lower == "connection" || lower == "keep-alive" || lower == "proxy-connection" ||
           lower == "transfer-encoding" || lower == "upgrade" || lower == "host" || lower == "te";
}

nghttp2_nv field(std::string_view name, std::string_view value)
{
    return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
            reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
            NGHTTP2_NV_FLAG_NONE};
}

}  // namespace

struct ClientCallbacks {
    static ClientSession& of(void* user) { return *static_cast<ClientSession*>(user); }

    static int header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name_p, std::size_t name_n,
                      const std::uint8_t* value_p, std::size_t value_n, std::uint8_t, void* user)
    {
        ClientSession& s = of(user);
        const std::string_view name = view(name_p, name_n), value = view(value_p, value_n);
        if (s.trace_)
            s.trace_fields_.push_back("    " + std::string(name) + ": " + std::string(value));
        const auto it = s.streams_.find(frame->hd.stream_id);
        // After a 1xx, nghttp2 files the final head under HCAT_HEADERS too: only a head that comes
        // after the final one is a trailer section (nothing in it is acted on).
        if (it == s.streams_.end() || it->second->delivered)
            return 0;
        ClientSession::Stream& in = *it->second;
        in.list_size += name.size() + value.size() + 32;
        in.too_large = in.too_large || in.list_size > s.limits_.max_header_list;
        if (in.too_large)
            return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // RST_STREAM: we will not hold it
        if (name == ":status") {
            std::from_chars(value.data(), value.data() + value.size(), in.status);
            if (in.status >= 200)
                in.response = Response{};  // a final head after 1xx ones starts afresh
        } else if (!name.starts_with(':') && in.status >= 200) {
            in.response.fields.add(name, value);
        }
        return 0;
    }

    static int frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user)
    {
        ClientSession& s = of(user);
        if (s.trace_)
            s.trace_frame(false, frame);
        if (frame->hd.type != NGHTTP2_HEADERS)
            return 0;
        const auto it = s.streams_.find(frame->hd.stream_id);
        if (it == s.streams_.end() || it->second->status < 200 || it->second->delivered)
            return 0;  // an informational head (the final one follows), or trailers
        ClientSession::Stream& in = *it->second;
        in.delivered = true;
        in.response.version = Version{2, 0};
        in.response.status = static_cast<Status>(in.status);
        s.events_.on_response(frame->hd.stream_id, std::move(in.response));
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
        ClientSession& s = of(user);
        if (s.streams_.erase(stream))
            s.events_.on_stream_close(stream, error_code);
        return 0;
    }

    static int frame_send(nghttp2_session*, const nghttp2_frame* frame, void* user)
    {
        of(user).trace_frame(true, frame);
        return 0;
    }

    static ssize_t read_body(nghttp2_session*, std::int32_t stream, std::uint8_t* buffer, std::size_t max,
                             std::uint32_t* flags, nghttp2_data_source*, void* user)
    {
        ClientSession& s = of(user);
        const auto it = s.streams_.find(stream);
        if (it == s.streams_.end()) {
            *flags |= NGHTTP2_DATA_FLAG_EOF;
            return 0;
        }
        ClientSession::Stream& out = *it->second;
        const std::size_t n = std::min(max, out.body.size() - out.sent);
        std::copy_n(out.body.data() + out.sent, n, buffer);
        out.sent += n;
        if (out.sent == out.body.size()) {
            *flags |= NGHTTP2_DATA_FLAG_EOF;
            std::string().swap(out.body);
        }
        return static_cast<ssize_t>(n);
    }
};

ClientSession::ClientSession(ClientEvents& events, const SessionLimits& limits, bool trace)
    : events_(events), limits_(limits), trace_(trace)
{
    nghttp2_session_callbacks* cb = nullptr;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_header_callback(cb, ClientCallbacks::header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, ClientCallbacks::frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, ClientCallbacks::data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, ClientCallbacks::stream_close);
    if (trace_)
        nghttp2_session_callbacks_set_on_frame_send_callback(cb, ClientCallbacks::frame_send);
    nghttp2_option* opt = nullptr;
    nghttp2_option_new(&opt);
    nghttp2_option_set_no_auto_window_update(opt, 1);  // credit only what the caller consumed
    nghttp2_option_set_max_continuations(opt, limits_.max_continuations);
    nghttp2_option_set_max_settings(opt, limits_.max_settings_entries);
    nghttp2_option_set_max_outbound_ack(opt, limits_.max_outbound_ack);
    nghttp2_session_client_new2(&session_, cb, this, opt);
    nghttp2_option_del(opt);
    nghttp2_session_callbacks_del(cb);
    const std::array<nghttp2_settings_entry, 4> settings{{
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, limits_.stream_window},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, limits_.max_header_list},
        {NGHTTP2_SETTINGS_NO_RFC7540_PRIORITIES, 1},
    }};
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
    nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0,
                                          static_cast<std::int32_t>(limits_.connection_window));
}

ClientSession::~ClientSession()
{
    nghttp2_session_del(session_);
}

std::int32_t ClientSession::submit(const Request& request, std::string_view scheme, std::string_view authority,
                                   std::string body)
{
    if (closing())
        return -1;
    const std::string method(request.method.name());
    const std::string path = request.target.empty() ? "/" : request.target;
    std::vector<nghttp2_nv> nva{field(":method", method), field(":scheme", scheme), field(":authority", authority),
                                field(":path", path)};
    std::vector<std::string> lowered;  // RFC 9113 §8.2.1: field names in lower case
    lowered.reserve(request.fields.size());
    for (const auto& f : request.fields) {
        if (connection_specific(f.name))
            continue;
        std::string name(f.name);
        for (auto& c : name)
            c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
        lowered.push_back(std::move(name));
        nva.push_back(field(lowered.back(), f.value));
    }
    auto stream = std::make_unique<Stream>();
    stream->body = std::move(body);
    nghttp2_data_provider provider{};
    provider.read_callback = ClientCallbacks::read_body;
    const bool has_body = !stream->body.empty();
    const std::int32_t id =
        nghttp2_submit_request(session_, nullptr, nva.data(), nva.size(), has_body ? &provider : nullptr, nullptr);
    if (id < 0)
        return -1;
    streams_.emplace(id, std::move(stream));
    return id;
}

bool ClientSession::feed(std::string_view bytes)
{
    const ssize_t n =
        nghttp2_session_mem_recv(session_, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return n >= 0;
}

void ClientSession::consume(std::int32_t stream, std::size_t n)
{
    nghttp2_session_consume(session_, stream, n);
}

bool ClientSession::output(std::string& out, std::size_t soft_max)
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

bool ClientSession::want_write() const
{
    return nghttp2_session_want_write(session_) != 0;
}

bool ClientSession::closing() const
{
    return !nghttp2_session_want_read(session_) || !nghttp2_session_check_request_allowed(session_);
}

void ClientSession::goaway()
{
    nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR);
}

void ClientSession::trace_frame(bool ours, const void* frame_p)
{
    const auto* frame = static_cast<const nghttp2_frame*>(frame_p);
    events_.on_trace(ours, frame_line(frame));
    if (ours && frame->hd.type == NGHTTP2_HEADERS)
        for (std::size_t i = 0; i < frame->headers.nvlen; ++i)
            events_.on_trace(
                true, "    " + std::string(view(frame->headers.nva[i].name, frame->headers.nva[i].namelen)) + ": " +
                          std::string(view(frame->headers.nva[i].value, frame->headers.nva[i].valuelen)));
    if (!ours) {
        for (const std::string& f : trace_fields_)
            events_.on_trace(false, f);
        trace_fields_.clear();
    }
}

}  // namespace layer7::http::h2
