// Access log: see access_log.hpp.
#include "http/server/access_log.hpp"

#include <ctime>
#include <stdexcept>

namespace layer7::http {

AccessLog::AccessLog(const std::string& target)
{
    if (target.empty())
        return;
    if (target == "-") {
        out_ = stdout;
        return;
    }
    out_ = std::fopen(target.c_str(), "a");
    if (!out_)
        throw std::runtime_error("cannot open access log " + target);
    owned_ = true;
}

AccessLog::~AccessLog()
{
    if (owned_)
        std::fclose(out_);
}

namespace {
// Quotes a field the way nginx escapes it: '"' and '\' and control bytes as \xHH.
void append_quoted(std::string& out, std::string_view s)
{
    out.push_back('"');
    if (s.empty())
        out.push_back('-');
    for (unsigned char c : s) {
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) {
            char buf[5];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    out.push_back('"');
}
}  // namespace

void AccessLog::write(std::string_view client, const Request& request, int status, std::uint64_t bytes,
                      std::chrono::system_clock::time_point when)
{
    if (!out_)
        return;
    const std::string request_line = std::string(request.method.name()) + " " + request.target + " HTTP/" +
                                     std::to_string(request.version.major) + "." +
                                     std::to_string(request.version.minor);
    write_line(client, request_line, status, bytes, request.fields.get("Referer").value_or(""),
               request.fields.get("User-Agent").value_or(""), when);
}

void AccessLog::write_rejected(std::string_view client, int status, std::uint64_t bytes,
                               std::chrono::system_clock::time_point when)
{
    if (out_)
        write_line(client, "", status, bytes, "", "", when);
}

void AccessLog::write_line(std::string_view client, std::string_view request_line, int status, std::uint64_t bytes,
                           std::string_view referer, std::string_view user_agent,
                           std::chrono::system_clock::time_point when)
{
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    localtime_r(&t, &tm);
    char stamp[40];
    std::strftime(stamp, sizeof stamp, "[%d/%b/%Y:%H:%M:%S %z]", &tm);
    std::string line(client);
    line += " - - ";
    line += stamp;
    line.push_back(' ');
    append_quoted(line, request_line);
    line += " " + std::to_string(status) + " " + std::to_string(bytes) + " ";
    append_quoted(line, referer);
    line.push_back(' ');
    append_quoted(line, user_agent);
    line.push_back('\n');
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fflush(out_);  // a log line is visible as soon as the response is (tests and tail -f)
}

}  // namespace layer7::http
