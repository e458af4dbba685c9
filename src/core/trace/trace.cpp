// Trace: see trace.hpp.
#include "core/trace/trace.hpp"

#include <chrono>
#include <ctime>
#include <string>
#include <unordered_set>

#include "core/trace/secret_mask.hpp"

namespace layer7::core {

namespace {

// What masking needs beside the sink, guarded by the sink's mutex like the output itself.
struct Masking {
    bool show_secrets = false;  // set once at start-up, before any connection
    // Connections in the middle of a SASL exchange (their next client lines are secrets); an entry
    // lives from AUTH to the server's final reply.
    std::unordered_set<std::uint64_t> in_sasl;
};

Masking& masking()
{
    static Masking m;
    return m;
}

}  // namespace

void show_trace_secrets(bool show)
{
    masking().show_secrets = show;
}

Trace& Trace::instance()
{
    static Trace trace;
    return trace;
}

std::uint64_t Trace::next_id()
{
    static std::atomic<std::uint64_t> counter{0};
    return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

void Trace::line(std::uint64_t id, Speaker who, std::string_view text)
{
    if (enabled())
        emit(id, static_cast<char>(who), text);
}

void Trace::block(std::uint64_t id, Speaker who, std::string_view text)
{
    if (!enabled())
        return;
    constexpr std::size_t max_shown = 512;  // a trace shows dialogue, not megabytes of body
    while (!text.empty()) {
        auto lf = text.find('\n');
        std::string_view line = text.substr(0, lf);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.size() > max_shown)
            line = line.substr(0, max_shown);
        emit(id, static_cast<char>(who), line);
        if (lf == std::string_view::npos)
            break;
        text.remove_prefix(lf + 1);
    }
}

void Trace::note(std::uint64_t id, std::string_view text)
{
    if (enabled())
        emit(id, '*', text);
}

void Trace::emit(std::uint64_t id, char who, std::string_view text)
{
    using namespace std::chrono;
    const auto now = system_clock::now();
    const std::time_t secs = system_clock::to_time_t(now);
    const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    std::string out;
    out.reserve(text.size() + 40);
    out.append(stamp).append(" #").append(std::to_string(id)).append(" ");
    out.push_back(who);
    out.append(": ");
    std::lock_guard lock(mutex_);
    Masking& m = masking();
    if (who == '*' || m.show_secrets) {
        out.append(text);
    } else {
        SaslState state{m.in_sasl.count(id) != 0};
        out.append(mask_secrets(static_cast<Speaker>(who), text, state));
        if (state.client_secrets_follow) {
            // Connections that close mid-exchange leave their entry behind: bound the set.
            constexpr std::size_t max_open_exchanges = 4096;
            if (m.in_sasl.size() >= max_open_exchanges)
                m.in_sasl.clear();
            m.in_sasl.insert(id);
        } else {
            m.in_sasl.erase(id);
        }
    }
    out.push_back('\n');
    std::fwrite(out.data(), 1, out.size(), out_);
    std::fflush(out_);
}

}  // namespace layer7::core
