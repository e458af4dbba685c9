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

private:
    std::FILE* out_ = nullptr;
    bool owned_ = false;
    std::mutex mutex_;
};

}  // namespace layer7::http
