// The peer's link: see peer_link.hpp. The shell around MseHandshake: write what it says, read,
// feed, until it is done or fails; one deadline for the whole start, on top of the Stream's idle
// timeout, so a peer trickling a byte at a time cannot hold a connection slot for long.
#include "torrent/peer_link.hpp"

#include <memory>

#include "torrent/mse_dh.hpp"
#include "torrent/mse_handshake.hpp"

namespace layer7::torrent {

namespace {

constexpr std::size_t read_size = 16 * 1024;

std::size_t random_pad_length()
{
    const std::string r = mse_random_bytes(2);
    return (static_cast<std::uint8_t>(r[0]) << 8 | static_cast<std::uint8_t>(r[1])) % (mse_max_pad + 1);
}

// Why a read or write on the link failed.
std::string io_failure(core::Stream& stream, const bool& expired)
{
    if (expired)
        return "handshake not finished within the deadline";
    return stream.timed_out() ? "timed out in the handshake" : "connection closed in the handshake";
}

// Drives `mse` to its end; `first` are bytes already read (the acceptor's peek).
core::awaitable<LinkOpened> run_mse(core::Stream& stream, LinkCipher& cipher, MseHandshake& mse, std::string_view first,
                                    const bool& expired)
{
    LinkOpened result;
    std::string buffer(read_size, '\0');
    if (!first.empty())
        mse.feed(first);
    for (;;) {
        const std::string out = mse.take_output();
        if (!out.empty() && co_await stream.write(out, false)) {
            result.why = "MSE: " + io_failure(stream, expired);
            co_return result;
        }
        if (mse.done())
            break;
        if (mse.error()) {
            result.why = "MSE handshake: " + std::string(to_string(*mse.error()));
            co_return result;
        }
        auto [ec, n] = co_await stream.read_some(asio::buffer(buffer));
        if (ec || n == 0) {
            result.why = "MSE: " + io_failure(stream, expired);
            co_return result;
        }
        mse.feed(std::string_view(buffer.data(), n));
    }
    cipher.send = mse.take_send_cipher();
    cipher.receive = mse.take_receive_cipher();
    result.ok = true;
    result.method = mse.method() == crypto_rc4 ? "MSE RC4" : "MSE plaintext";
    result.received = mse.take_payload();
    co_return result;
}

core::awaitable<LinkOpened> open(core::Stream& stream, LinkCipher& cipher, const LinkPlan& plan, const bool& expired)
{
    const std::uint32_t methods = plan.encryption == Encryption::require ? crypto_rc4 : crypto_rc4 | crypto_plaintext;
    LinkOpened result;
    if (stream.role() == core::Role::client) {
        if (!plan.dial_mse || plan.encryption == Encryption::off) {
            if (co_await stream.write(plan.our_handshake, false)) {
                result.why = io_failure(stream, expired);
                co_return result;
            }
            result.ok = true;
            result.method = "plain handshake";
            co_return result;
        }
        auto mse =
            MseHandshake::initiator(plan.info_hash, methods, plan.our_handshake, mse_random_bytes(mse_private_key_size),
                                    mse_random_bytes(random_pad_length()));
        result = co_await run_mse(stream, cipher, mse, "", expired);
        result.mse_failed = !result.ok;
        co_return result;
    }
    // Accepted: the plain handshake's 20 first bytes are fixed, MSE's are a random public key.
    std::string first;
    std::string buffer(read_size, '\0');
    std::optional<bool> plain;
    while (!(plain = starts_plain_handshake(first))) {
        auto [ec, n] = co_await stream.read_some(asio::buffer(buffer));
        if (ec || n == 0) {
            result.why = io_failure(stream, expired);
            co_return result;
        }
        first.append(buffer.data(), n);
    }
    if (*plain) {
        if (plan.encryption == Encryption::require) {
            result.why = "plain handshake refused (--encryption require)";
            co_return result;
        }
        result.ok = true;
        result.method = "plain handshake";
        result.received = std::move(first);
        co_return result;
    }
    if (plan.encryption == Encryption::off) {
        result.why = "not a BitTorrent handshake (MSE refused: --encryption off)";
        co_return result;
    }
    auto mse = MseHandshake::receiver(plan.serving, methods, mse_random_bytes(mse_private_key_size),
                                      mse_random_bytes(random_pad_length()));
    result = co_await run_mse(stream, cipher, mse, first, expired);
    if (result.ok)
        result.skey = mse.skey();
    co_return result;
}

}  // namespace

std::optional<Encryption> parse_encryption(std::string_view text)
{
    if (text == "require")
        return Encryption::require;
    if (text == "prefer")
        return Encryption::prefer;
    if (text == "off")
        return Encryption::off;
    return std::nullopt;
}

core::awaitable<LinkOpened> open_link(core::Stream& stream, LinkCipher& cipher, const LinkPlan& plan)
{
    // The deadline closes the socket, which ends the read or write in progress. `state` outlives
    // this frame in the timer's handler, so a handler already queued when we return does nothing.
    struct State {
        bool expired = false, finished = false;
    };
    auto state = std::make_shared<State>();
    asio::steady_timer deadline(stream.socket().get_executor(), plan.deadline);
    deadline.async_wait([state, &stream](std::error_code ec) {
        if (ec || state->finished)
            return;
        state->expired = true;
        std::error_code ignored;
        stream.socket().close(ignored);
    });
    LinkOpened result = co_await open(stream, cipher, plan, state->expired);
    state->finished = true;
    co_return result;
}

}  // namespace layer7::torrent
