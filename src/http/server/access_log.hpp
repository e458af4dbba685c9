// Access log in the combined format that nginx and Apache write (and log analysers read).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "http/message/message.hpp"

namespace layer7::http {

class AccessLog {
public:
    // "" = off, "-" = standard output, else a file opened for appending. Throws on failure.
    explicit AccessLog(const std::string& target);
    ~AccessLog();
    AccessLog(const AccessLog&) = delete;

    bool enabled() const { return out_ != nullptr; }
    // host - user [time] "request line" status bytes "referer" "user-agent"
    void write(std::string_view client, const Request& request, int status, std::uint64_t bytes,
               std::chrono::system_clock::time_point when);
    // A request refused before it was parsed (400, 408, 413, 414, 431, 505): "-" as its request line.
    void write_rejected(std::string_view client, int status, std::uint64_t bytes,
                        std::chrono::system_clock::time_point when);

private:
    void write_line(std::string_view client, std::string_view request_line, int status, std::uint64_t bytes,
                    std::string_view referer, std::string_view user_agent, std::chrono::system_clock::time_point when);

    std::FILE* out_ = nullptr;
    bool owned_ = false;
    std::mutex mutex_;
};

}  // namespace layer7::http
