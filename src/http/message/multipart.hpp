// multipart/form-data bodies (RFC 7578 on RFC 2046 §5.1): a push parser fed the body in pieces as
// it arrives, reporting each part's head and its content in pieces, so an upload of any size is
// parsed in memory bounded by a part's header block and the delimiter length.
// Pure: no I/O. Limits are data; every malformation is an error value (the server's 400).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::http {

// The boundary parameter of a multipart/form-data Content-Type: 1–70 bchars, not ending in a
// space (RFC 2046 §5.1.1); nullopt for another media type or an invalid boundary.
std::optional<std::string> form_data_boundary(std::string_view content_type);

struct PartHead {
    std::string name;                         // Content-Disposition: form-data; name="…" (RFC 7578 §4.2)
    std::optional<std::string> filename;      // present for a file input, possibly empty
    std::string content_type = "text/plain";  // §4.4: the default
};

// Receives the parts in order: on_part, on_data zero or more times, on_part_end.
class MultipartSink {
public:
    virtual ~MultipartSink() = default;
    virtual void on_part(const PartHead& head) = 0;
    virtual void on_data(std::string_view bytes) = 0;
    virtual void on_part_end() = 0;
};

struct MultipartLimits {
    std::size_t max_parts = 256;          // as FormLimits::max_fields: "--b\r\n" repeated is cheap to send
    std::size_t max_header_bytes = 8192;  // one part's header block (a field name and a file name fit)
    std::size_t max_header_lines = 16;    // Content-Disposition, -Type, -Transfer-Encoding and spares
    std::size_t max_padding = 256;        // transport padding after a delimiter (RFC 2046 §5.1.1)
};

enum class MultipartError {
    none,
    bad_delimiter_line,  // text other than spaces between a boundary and its CRLF
    header_too_long,     // a part's header block is over max_header_bytes or max_header_lines
    bad_header,          // not "Name: value", a folded line, or a malformed Content-Disposition
    missing_name,        // no Content-Disposition: form-data; name=… (RFC 7578 §4.2)
    too_many_parts,
    truncated,  // the body ended before the close delimiter
};
std::string_view to_string(MultipartError error);

class MultipartParser {
public:
    MultipartParser(std::string boundary, const MultipartLimits& limits = {});
    // The next piece of the body; after an error, every call returns that error.
    MultipartError feed(std::string_view bytes, MultipartSink& sink);
    // The body has ended: truncated unless the close delimiter was seen.
    MultipartError finish();
    std::size_t parts() const { return parts_; }

private:
    enum class State { preamble, after_delimiter, headers, content, epilogue, failed };
    // One step on buffered bytes; false when more input is needed.
    bool step(MultipartSink& sink);
    bool fail(MultipartError error);
    bool header_line(std::string_view line);

    std::string delimiter_;  // CRLF "--" boundary
    MultipartLimits limits_;
    State state_ = State::preamble;
    MultipartError error_ = MultipartError::none;
    std::string buffer_;
    std::size_t parts_ = 0;
    std::size_t header_bytes_ = 0, header_lines_ = 0;
    PartHead head_;
    bool has_disposition_ = false;
};

// A whole form body already in memory (a short form such as web mail's compose page): every part
// with its content. nullopt when `content_type` is not multipart/form-data with a valid boundary or
// the body is malformed or breaks a limit.
struct FormField {
    PartHead head;
    std::string data;  // the bytes as sent (no transfer decoding: RFC 7578 §4.7)
    bool is_file() const { return head.filename && !head.filename->empty(); }
};
std::optional<std::vector<FormField>> parse_form_fields(std::string_view content_type, std::string_view body,
                                                        const MultipartLimits& limits = {});

// The content of the first field called `name` that is not a file, or "".
std::string_view form_value(const std::vector<FormField>& fields, std::string_view name);

}  // namespace layer7::http
