// permessage-deflate: see deflate.hpp.
#include "http/websocket/deflate.hpp"

#include <zlib.h>

#include <charconv>
#include <vector>

#include "http/message/token.hpp"

namespace layer7::http::websocket {

namespace {

struct Param {
    std::string name;  // lower-case
    std::optional<std::string> value;
};

// One extension element: "name; p1; p2=v; p3=\"v\"" (RFC 6455 §9.1 grammar). False if malformed.
bool parse_element(std::string_view element, std::string& name, std::vector<Param>& params)
{
    std::size_t semi = element.find(';');
    name = to_lower(trim_ows(element.substr(0, semi)));
    if (!is_token(name))
        return false;
    while (semi != std::string_view::npos) {
        element.remove_prefix(semi + 1);
        // A quoted value could hold ';' in theory, but the values here are digits; a quote with
        // a ';' inside is malformed for permessage-deflate anyway.
        semi = element.find(';');
        std::string_view item = trim_ows(element.substr(0, semi));
        const std::size_t eq = item.find('=');
        Param p;
        p.name = to_lower(trim_ows(item.substr(0, eq)));
        if (!is_token(p.name))
            return false;
        if (eq != std::string_view::npos) {
            std::string_view v = trim_ows(item.substr(eq + 1));
            std::string value;
            if (!v.empty() && v.front() == '"') {
                std::size_t used = 0;
                if (!parse_quoted_string(v, value, used) || used != v.size())
                    return false;
            } else {
                value = std::string(v);
            }
            if (!is_token(value))
                return false;
            p.value = value;
        }
        params.push_back(std::move(p));
    }
    return true;
}

// 8..15 as a decimal without leading zeros (RFC 7692 §7.1.2.1).
std::optional<int> window_bits(const std::string& value)
{
    if (value.empty() || value.size() > 2 || value[0] == '0')
        return std::nullopt;
    int bits = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), bits);
    if (ec != std::errc{} || p != value.data() + value.size() || bits < 8 || bits > 15)
        return std::nullopt;
    return bits;
}

// The parameters of one permessage-deflate element, for an offer (`offer`: client_max_window_bits
// may come without a value) or an answer. nullopt if any is unknown, repeated or malformed (§7.1).
std::optional<DeflateParams> read_params(const std::vector<Param>& params, bool offer)
{
    DeflateParams d;
    bool seen[4] = {};
    for (const Param& p : params) {
        int which = -1;
        if (p.name == "server_no_context_takeover")
            which = 0;
        else if (p.name == "client_no_context_takeover")
            which = 1;
        else if (p.name == "server_max_window_bits")
            which = 2;
        else if (p.name == "client_max_window_bits")
            which = 3;
        if (which < 0 || seen[which])
            return std::nullopt;
        seen[which] = true;
        if (which <= 1) {
            if (p.value)
                return std::nullopt;
            (which == 0 ? d.server_no_context_takeover : d.client_no_context_takeover) = true;
            continue;
        }
        if (!p.value) {
            if (which == 3 && offer)
                continue;  // "the client can take a window size hint" — we make none
            return std::nullopt;
        }
        auto bits = window_bits(*p.value);
        if (!bits)
            return std::nullopt;
        (which == 2 ? d.server_max_window_bits : d.client_max_window_bits) = *bits;
    }
    return d;
}

}  // namespace

std::optional<DeflateParams> negotiate_deflate(std::string_view extensions, const DeflatePolicy& policy)
{
    if (!policy.enabled)
        return std::nullopt;
    ListReader list(extensions);
    std::string_view element;
    while (list.next(element)) {
        std::string name;
        std::vector<Param> params;
        if (!parse_element(element, name, params) || name != "permessage-deflate")
            continue;
        auto d = read_params(params, true);
        if (!d || d->server_max_window_bits == 8)
            continue;  // next offer (§5.1: decline an offer we cannot honour)
        if (policy.server_no_context_takeover)
            d->server_no_context_takeover = true;
        return d;
    }
    return std::nullopt;
}

std::string format_deflate(const DeflateParams& d)
{
    std::string out = "permessage-deflate";
    if (d.server_no_context_takeover)
        out += "; server_no_context_takeover";
    if (d.client_no_context_takeover)
        out += "; client_no_context_takeover";
    if (d.server_max_window_bits != 15)
        out += "; server_max_window_bits=" + std::to_string(d.server_max_window_bits);
    if (d.client_max_window_bits != 15)
        out += "; client_max_window_bits=" + std::to_string(d.client_max_window_bits);
    return out;
}

std::string deflate_offer()
{
    return "permessage-deflate; client_max_window_bits";
}

core::Result<std::optional<DeflateParams>, std::string> accept_deflate_answer(std::string_view extensions)
{
    std::optional<DeflateParams> agreed;
    ListReader list(extensions);
    std::string_view element;
    while (list.next(element)) {
        std::string name;
        std::vector<Param> params;
        if (!parse_element(element, name, params) || name != "permessage-deflate" || agreed)
            return core::fail("the server answered with an extension we did not offer: " + std::string(element));
        agreed = read_params(params, false);
        if (!agreed)
            return core::fail("bad permessage-deflate parameters: " + std::string(element));
        if (agreed->client_max_window_bits == 8)
            return core::fail("client_max_window_bits=8 is not supported (zlib)");
    }
    return agreed;
}

// ---- codec ----

namespace {
constexpr unsigned char tail[4] = {0x00, 0x00, 0xFF, 0xFF};  // what a sync flush ends with
constexpr std::size_t grow_step = 16 * 1024;
}  // namespace

Deflater::Deflater(int window_bits, bool no_context_takeover)
    : z_(std::make_unique<z_stream_s>()), no_context_takeover_(no_context_takeover)
{
    // Negative window bits: raw DEFLATE, no zlib header or checksum (RFC 7692 §7.2.1).
    if (deflateInit2(z_.get(), Z_DEFAULT_COMPRESSION, Z_DEFLATED, -window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::bad_alloc();
}

Deflater::~Deflater()
{
    deflateEnd(z_.get());
}

void Deflater::compress(std::string_view message, std::string& out)
{
    const std::size_t start = out.size();
    z_->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.data()));
    z_->avail_in = static_cast<uInt>(message.size());
    for (;;) {
        const std::size_t room = deflateBound(z_.get(), z_->avail_in) + 16;
        const std::size_t at = out.size();
        out.resize(at + room);
        z_->next_out = reinterpret_cast<Bytef*>(out.data() + at);
        z_->avail_out = static_cast<uInt>(room);
        deflate(z_.get(), Z_SYNC_FLUSH);
        out.resize(out.size() - z_->avail_out);
        if (z_->avail_out != 0)
            break;  // all input consumed and flushed
    }
    if (out.size() - start >= 4 &&
        std::string_view(out).substr(out.size() - 4) == std::string_view(reinterpret_cast<const char*>(tail), 4))
        out.resize(out.size() - 4);
    if (out.size() == start)
        out.push_back('\0');  // an empty message: one 0x00 byte (RFC 7692 §7.2.3.6), not nothing
    if (no_context_takeover_)
        deflateReset(z_.get());
}

Inflater::Inflater(bool no_context_takeover)
    : z_(std::make_unique<z_stream_s>()), no_context_takeover_(no_context_takeover)
{
    // 15 bits inflates what any smaller window produced.
    if (inflateInit2(z_.get(), -15) != Z_OK)
        throw std::bad_alloc();
}

Inflater::~Inflater()
{
    inflateEnd(z_.get());
}

InflateStatus Inflater::inflate(std::string_view compressed, std::string& out, std::size_t max_out)
{
    z_->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    z_->avail_in = static_cast<uInt>(compressed.size());
    for (;;) {
        // At the limit, a one-byte probe tells whether the input has any output left: a byte
        // there means the message inflates past the limit (a deflate bomb stops here).
        char probe;
        const bool full = out.size() >= max_out;
        const std::size_t at = out.size();
        const std::size_t room = full ? 1 : std::min(grow_step, max_out - at);
        if (!full)
            out.resize(at + room);
        z_->next_out = reinterpret_cast<Bytef*>(full ? &probe : out.data() + at);
        z_->avail_out = static_cast<uInt>(room);
        const int rc = ::inflate(z_.get(), Z_SYNC_FLUSH);
        if (!full)
            out.resize(out.size() - z_->avail_out);
        if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_MEM_ERROR || rc == Z_STREAM_ERROR)
            return InflateStatus::bad_data;
        if (full && z_->avail_out == 0)
            return InflateStatus::too_big;
        if (rc == Z_STREAM_END) {
            inflateReset(z_.get());  // a final block (BFINAL) ended the stream; a new one may follow
            if (z_->avail_in == 0)
                return InflateStatus::ok;
            continue;
        }
        // Output room left over means zlib has nothing pending; then only new input can help.
        if (z_->avail_out != 0 && (z_->avail_in == 0 || rc == Z_BUF_ERROR))
            return InflateStatus::ok;
    }
}

InflateStatus Inflater::finish(std::string& out, std::size_t max_out)
{
    const InflateStatus s = inflate(std::string_view(reinterpret_cast<const char*>(tail), 4), out, max_out);
    if (no_context_takeover_)
        inflateReset(z_.get());
    return s;
}

}  // namespace layer7::http::websocket
