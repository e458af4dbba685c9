// The MSE handshake: see mse_handshake.hpp for the steps. Each state waits for a fixed number of
// bytes (or, while syncing, searches a bounded window), consumes them from in_, and moves on; the
// handshake is at most 96 + 512 + 20 + 20 + 14 + 512 + 2 + 65535 bytes from A and
// 96 + 512 + 14 + 512 from B, so the buffer is bounded however the peer splits its bytes.
#include "torrent/mse_handshake.hpp"

#include <algorithm>
#include <stdexcept>

#include "torrent/mse_dh.hpp"
#include "torrent/sha1.hpp"

namespace layer7::torrent {

namespace {

constexpr char vc_bytes[8] = {};
constexpr std::string_view vc(vc_bytes, sizeof vc_bytes);  // the verification constant
constexpr std::size_t discarded = 1024;                    // RC4 keystream bytes thrown away ("RC4-drop1024")
constexpr std::size_t hash_size = 20;

std::string hash(std::string_view a, std::string_view b, std::string_view c = {})
{
    Sha1 h;
    h.update(a);
    h.update(b);
    h.update(c);
    const auto d = h.finish();
    return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

std::string be32(std::uint32_t v)
{
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string be16(std::size_t v)
{
    return {static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::uint32_t get32(std::string_view s)
{
    return std::uint32_t{static_cast<std::uint8_t>(s[0])} << 24 | std::uint32_t{static_cast<std::uint8_t>(s[1])} << 16 |
           std::uint32_t{static_cast<std::uint8_t>(s[2])} << 8 | std::uint32_t{static_cast<std::uint8_t>(s[3])};
}

std::size_t get16(std::string_view s)
{
    return std::size_t{static_cast<std::uint8_t>(s[0])} << 8 | std::size_t{static_cast<std::uint8_t>(s[1])};
}

std::string xor20(std::string a, std::string_view b)
{
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        a[i] = static_cast<char>(a[i] ^ b[i]);
    return a;
}

}  // namespace

std::string_view to_string(MseError e)
{
    switch (e) {
    case MseError::bad_public_key: return "not a usable Diffie-Hellman public key";
    case MseError::no_sync: return "no synchronisation hash within 512 bytes of padding";
    case MseError::unknown_torrent: return "the peer asked for a torrent we do not serve";
    case MseError::bad_vc: return "verification constant is not 8 zero bytes";
    case MseError::no_common_method: return "crypto_provide offers no method we accept";
    case MseError::bad_select: return "crypto_select is not one method we offered";
    case MseError::pad_too_long: return "padding over 512 bytes";
    }
    return "MSE error";
}

std::optional<bool> starts_plain_handshake(std::string_view first_bytes)
{
    static constexpr std::string_view plain =
        "\x13"
        "BitTorrent protocol";
    const std::size_t n = std::min(first_bytes.size(), plain.size());
    if (first_bytes.substr(0, n) != plain.substr(0, n))
        return false;
    if (n < plain.size())
        return std::nullopt;
    return true;
}

MseHandshake MseHandshake::initiator(const InfoHash& skey, std::uint32_t provide, std::string initial_payload,
                                     std::string private_key, std::string pad)
{
    if (initial_payload.size() > 0xffff || pad.size() > mse_max_pad)
        throw std::invalid_argument("MSE: IA over 65535 bytes or pad over 512");
    MseHandshake h;
    h.initiator_ = true;
    h.skey_ = skey;
    h.methods_ = provide;
    h.initial_payload_ = std::move(initial_payload);
    h.private_key_ = std::move(private_key);
    h.out_ = mse_public_key(h.private_key_) + pad;  // step 1: Ya, PadA
    return h;
}

MseHandshake MseHandshake::receiver(std::vector<InfoHash> skeys, std::uint32_t accept, std::string private_key,
                                    std::string pad)
{
    if (pad.size() > mse_max_pad)
        throw std::invalid_argument("MSE: pad over 512");
    MseHandshake h;
    h.skeys_ = std::move(skeys);
    h.methods_ = accept;
    h.private_key_ = std::move(private_key);
    h.pad_ = std::move(pad);
    return h;
}

std::string MseHandshake::take_output()
{
    return std::exchange(out_, {});
}

void MseHandshake::fail(MseError e)
{
    state_ = State::failed;
    error_ = e;
    in_.clear();
    send_.reset();
    receive_.reset();
}

void MseHandshake::feed(std::string_view bytes)
{
    if (state_ == State::failed)
        return;
    if (state_ == State::done) {
        std::string more(bytes);
        if (receive_)
            receive_->process(more);
        payload_ += more;
        return;
    }
    in_ += bytes;
    while (step()) {}
}

void MseHandshake::key(bool initiator, const InfoHash& skey)
{
    Rc4 a(hash("keyA", secret_, skey.raw())), b(hash("keyB", secret_, skey.raw()));
    a.discard(discarded);
    b.discard(discarded);
    send_ = initiator ? a : b;
    receive_ = initiator ? b : a;
}

void MseHandshake::finish()
{
    state_ = State::done;
    std::string rest = std::exchange(in_, {});
    if (method_ == crypto_plaintext) {
        send_.reset();
        receive_.reset();
    }
    if (receive_)
        receive_->process(rest);
    payload_ += rest;
}

bool MseHandshake::step()
{
    switch (state_) {
    case State::await_y: {
        if (in_.size() < mse_key_size)
            return false;
        auto secret = mse_shared_secret(private_key_, std::string_view(in_).substr(0, mse_key_size));
        if (!secret) {
            fail(MseError::bad_public_key);
            return false;
        }
        secret_ = std::move(*secret);
        in_.erase(0, mse_key_size);
        if (!initiator_) {
            out_ += mse_public_key(private_key_) + std::exchange(pad_, {});  // step 2: Yb, PadB
            state_ = State::await_req1;
            return true;
        }
        // Step 3, all at once: A needs nothing more from B to write it.
        key(true, skey_);
        std::string head(vc);
        head += be32(methods_) + be16(0) + be16(initial_payload_.size());  // PadC: empty, as is usual
        head += std::exchange(initial_payload_, {});
        send_->process(head);
        out_ += hash("req1", secret_) + xor20(hash("req2", skey_.raw()), hash("req3", secret_)) + head;
        Rc4 peek = *receive_;
        vc_pattern_ = std::string(vc);
        peek.process(vc_pattern_);
        state_ = State::await_vc;
        return true;
    }
    case State::await_req1: {
        const std::string req1 = hash("req1", secret_);
        const auto at = std::string_view(in_).find(req1);
        if (at == std::string_view::npos || at > mse_max_pad) {
            if (in_.size() >= mse_max_pad + hash_size)  // 532 bytes after Ya: PadA was over 512
                fail(MseError::no_sync);
            return false;
        }
        in_.erase(0, at + hash_size);
        state_ = State::await_req2;
        return true;
    }
    case State::await_req2: {
        if (in_.size() < hash_size + 14)
            return false;
        const std::string wanted = xor20(std::string(in_, 0, hash_size), hash("req3", secret_));
        const auto it = std::find_if(skeys_.begin(), skeys_.end(),
                                     [&](const InfoHash& k) { return hash("req2", k.raw()) == wanted; });
        if (it == skeys_.end()) {
            fail(MseError::unknown_torrent);
            return false;
        }
        skey_ = *it;
        key(false, skey_);
        std::string head(in_, hash_size, 14);
        receive_->process(head);
        in_.erase(0, hash_size + 14);
        if (std::string_view(head).substr(0, 8) != vc) {
            fail(MseError::bad_vc);
            return false;
        }
        const std::uint32_t provide = get32(std::string_view(head).substr(8, 4));
        const std::uint32_t common = provide & methods_;
        method_ = common & crypto_rc4 ? crypto_rc4 : common & crypto_plaintext ? crypto_plaintext : 0;
        if (method_ == 0) {
            fail(MseError::no_common_method);
            return false;
        }
        pad_left_ = get16(std::string_view(head).substr(12, 2));
        if (pad_left_ > mse_max_pad) {
            fail(MseError::pad_too_long);
            return false;
        }
        state_ = State::await_pad_c;
        return true;
    }
    case State::await_pad_c: {
        if (in_.size() < pad_left_ + 2)
            return false;
        std::string pad_and_length(in_, 0, pad_left_ + 2);
        receive_->process(pad_and_length);
        in_.erase(0, pad_left_ + 2);
        ia_length_ = get16(std::string_view(pad_and_length).substr(pad_left_));
        state_ = State::await_ia;
        return true;
    }
    case State::await_ia: {
        if (in_.size() < ia_length_)
            return false;
        std::string ia(in_, 0, ia_length_);
        receive_->process(ia);  // IA is under RC4 whatever B selects: A could not know yet
        in_.erase(0, ia_length_);
        payload_ = std::move(ia);
        std::string reply(vc);
        reply += be32(method_) + be16(0);  // step 4, PadD empty
        send_->process(reply);
        out_ += reply;
        finish();
        return false;
    }
    case State::await_vc: {
        const auto at = std::string_view(in_).find(vc_pattern_);
        if (at == std::string_view::npos || at > mse_max_pad) {
            if (in_.size() >= mse_max_pad + vc.size())  // PadB was over 512
                fail(MseError::no_sync);
            return false;
        }
        std::string found(in_, at, vc.size());
        receive_->process(found);  // the keystream moves past VC
        in_.erase(0, at + vc.size());
        state_ = State::await_select;
        return true;
    }
    case State::await_select: {
        if (in_.size() < 6)
            return false;
        std::string head(in_, 0, 6);
        receive_->process(head);
        in_.erase(0, 6);
        method_ = get32(head);
        if ((method_ != crypto_rc4 && method_ != crypto_plaintext) || !(method_ & methods_)) {
            fail(MseError::bad_select);
            return false;
        }
        pad_left_ = get16(std::string_view(head).substr(4, 2));
        if (pad_left_ > mse_max_pad) {
            fail(MseError::pad_too_long);
            return false;
        }
        state_ = State::await_pad_d;
        return true;
    }
    case State::await_pad_d: {
        if (in_.size() < pad_left_)
            return false;
        receive_->discard(pad_left_);
        in_.erase(0, pad_left_);
        finish();
        return false;
    }
    case State::done:
    case State::failed: return false;
    }
    return false;
}

}  // namespace layer7::torrent
