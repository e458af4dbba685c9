// The CGI response header block (RFC 3875 §6.2–§6.3): the script's fields up to an empty line,
// parsed as the bytes arrive. Pure: bytes in, a verdict out; whatever follows the block is the body.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "http/message/fields.hpp"

namespace layer7::http::cgi {

struct HeaderLimits {
    std::size_t max_block = 64 * 1024;  // as the server's own max_header for requests
    std::size_t max_fields = 100;       // Apache's LimitRequestFields default
};

enum class HeaderError {
    too_long,      // the block exceeds max_block or max_fields
    bad_line,      // a line without ':' or an obsolete folded line (§6.3: no continuation lines)
    bad_name,      // a field name that is not a token
    bad_value,     // a control character in a value
    bad_status,    // Status is not "3DIGIT [SP reason]" with a code 200..599
    bad_location,  // Location neither an absolute URI nor an absolute path
    duplicate,     // Status, Location or Content-Type twice
    no_header,     // none of Content-Type, Location, Status (§6.2: one is required)
    incomplete,    // the output ended before the empty line
};
std::string_view describe(HeaderError e);

// §6.2: the four kinds of CGI response.
enum class ResponseKind { document, local_redirect, client_redirect };

struct ScriptHeader {
    std::optional<int> status;  // from Status
    std::string reason;
    std::string location;      // "" when absent
    std::string content_type;  // "" when absent
    Fields fields;             // every other field, in order
    ResponseKind kind() const;
};

class HeaderParser {
public:
    enum class State { need_more, done, failed };

    explicit HeaderParser(HeaderLimits limits = {}) : limits_(limits) {}

    // Takes the next bytes of the script's output; returns how many belong to the header block
    // (all of them until it ends). Once done, the rest of `bytes` is the start of the body.
    std::size_t feed(std::string_view bytes);
    // The script's output ended: before the empty line that is `incomplete`.
    void finish();

    State state() const { return state_; }
    HeaderError error() const { return error_; }
    const ScriptHeader& header() const { return header_; }
    ScriptHeader& header() { return header_; }

private:
    void line(std::string_view text);  // one line without its NL
    void fail(HeaderError e);
    void complete();

    HeaderLimits limits_;
    State state_ = State::need_more;
    HeaderError error_ = HeaderError::incomplete;
    std::string partial_;   // a line split across feeds
    std::size_t seen_ = 0;  // bytes of the block so far
    std::size_t lines_ = 0;
    ScriptHeader header_;
};

}  // namespace layer7::http::cgi
