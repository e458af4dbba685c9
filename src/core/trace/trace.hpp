// --trace: prints each protocol line as "C: …" / "S: …", the textbook's transcript form,
// prefixed with a timestamp and a connection id so interleaved connections stay readable.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string_view>

namespace layer7::core {

enum class Speaker : char { client = 'C', server = 'S' };

class Trace {
public:
    // The process-wide sink; off unless --trace was given.
    static Trace& instance();

    void enable(std::FILE* out)
    {
        out_ = out;
        enabled_.store(true, std::memory_order_relaxed);
    }
    bool enabled() const { return enabled_.load(std::memory_order_relaxed); }

    // One protocol line (no CRLF) said by `who` on connection `id`.
    void line(std::uint64_t id, Speaker who, std::string_view text);
    // Every line of a block of protocol text (a reply with CRLFs inside); over-long lines are cut.
    void block(std::uint64_t id, Speaker who, std::string_view text);
    // An event that is not protocol text (connect, TLS, close), printed as "*: …".
    void note(std::uint64_t id, std::string_view text);

    // A fresh connection id.
    static std::uint64_t next_id();

private:
    void emit(std::uint64_t id, char who, std::string_view text);

    std::atomic<bool> enabled_{false};
    std::FILE* out_ = stderr;
    std::mutex mutex_;
};

}  // namespace layer7::core
