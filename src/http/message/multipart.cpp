// multipart/form-data: see multipart.hpp.
//
// Theory of operation: the parser keeps a buffer of bytes not yet reported. Before the first part
// it looks for the delimiter (CRLF "--" boundary; the buffer starts with a CRLF so a body opening
// with "--boundary" matches too) and drops the preamble. After a delimiter, "--" closes the body
// (the epilogue is dropped) and spaces then CRLF open a part. A part's header lines are read up
// to the empty line, then its content is reported up to the next delimiter, holding back only
// the bytes that could be the start of a delimiter split across two pieces.
#include "http/message/multipart.hpp"

#include <algorithm>

#include "http/message/token.hpp"

namespace layer7::http {

namespace {

constexpr std::size_t max_boundary = 70;  // RFC 2046 §5.1.1

bool is_bchar(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

bool valid_boundary(std::string_view b)
{
    return !b.empty() && b.size() <= max_boundary && b.back() != ' ' && std::all_of(b.begin(), b.end(), is_bchar);
}

enum class Param { found, end, malformed };

// The next `; name=value` of a header value (RFC 9110 §5.6.6); `rest` moves past it.
Param next_parameter(std::string_view& rest, std::string& name, std::string& value)
{
    rest = trim_ows(rest);
    if (rest.empty())
        return Param::end;
    if (rest[0] != ';')
        return Param::malformed;
    rest = trim_ows(rest.substr(1));
    std::size_t n = 0;
    while (n < rest.size() && is_tchar(rest[n]))
        ++n;
    if (n == 0 || n >= rest.size() || rest[n] != '=')
        return Param::malformed;
    name = to_lower(rest.substr(0, n));
    rest.remove_prefix(n + 1);
    if (!rest.empty() && rest[0] == '"') {
        std::size_t consumed = 0;
        if (!parse_quoted_string(rest, value, consumed))
            return Param::malformed;
        rest.remove_prefix(consumed);
        return Param::found;
    }
    n = 0;
    while (n < rest.size() && is_tchar(rest[n]))
        ++n;
    if (n == 0)
        return Param::malformed;
    value = std::string(rest.substr(0, n));
    rest.remove_prefix(n);
    return Param::found;
}

}  // namespace

std::optional<std::string> form_data_boundary(std::string_view content_type)
{
    const auto semicolon = content_type.find(';');
    if (!iequals(trim_ows(content_type.substr(0, semicolon)), "multipart/form-data") ||
        semicolon == std::string_view::npos)
        return std::nullopt;
    std::string_view rest = content_type.substr(semicolon);
    std::string name, value;
    for (;;) {
        switch (next_parameter(rest, name, value)) {
        case Param::found:
            if (name == "boundary")
                return valid_boundary(value) ? std::optional(value) : std::nullopt;
            break;
        case Param::end:
        case Param::malformed: return std::nullopt;
        }
    }
}

std::string_view to_string(MultipartError error)
{
    switch (error) {
    case MultipartError::none: return "no error";
    case MultipartError::bad_delimiter_line: return "text after a boundary";
    case MultipartError::header_too_long: return "part header block too long";
    case MultipartError::bad_header: return "malformed part header";
    case MultipartError::missing_name: return "part without Content-Disposition: form-data; name=";
    case MultipartError::too_many_parts: return "too many parts";
    case MultipartError::truncated: return "body ends before the closing boundary";
    }
    return "?";
}

MultipartParser::MultipartParser(std::string boundary, const MultipartLimits& limits)
    : delimiter_("\r\n--" + boundary), limits_(limits), buffer_("\r\n")
{
}

MultipartError MultipartParser::feed(std::string_view bytes, MultipartSink& sink)
{
    if (state_ == State::failed)
        return error_;
    if (state_ == State::epilogue)
        return MultipartError::none;
    buffer_.append(bytes);
    while (step(sink)) {}
    return error_;
}

MultipartError MultipartParser::finish()
{
    if (state_ == State::failed)
        return error_;
    if (state_ != State::epilogue)
        fail(MultipartError::truncated);
    return error_;
}

bool MultipartParser::fail(MultipartError error)
{
    state_ = State::failed;
    error_ = error;
    buffer_.clear();
    return false;
}

bool MultipartParser::step(MultipartSink& sink)
{
    switch (state_) {
    case State::preamble: {
        const auto at = buffer_.find(delimiter_);
        if (at == std::string::npos) {  // keep what could be the start of a delimiter
            if (buffer_.size() >= delimiter_.size())
                buffer_.erase(0, buffer_.size() - (delimiter_.size() - 1));
            return false;
        }
        buffer_.erase(0, at + delimiter_.size());
        state_ = State::after_delimiter;
        return true;
    }
    case State::after_delimiter: {
        if (buffer_.size() < 2)
            return false;
        if (buffer_.starts_with("--")) {  // close-delimiter: the rest is the epilogue
            state_ = State::epilogue;
            buffer_.clear();
            if (parts_ > 0)
                sink.on_part_end();
            return false;
        }
        const auto crlf = buffer_.find("\r\n");
        std::size_t padding = crlf == std::string::npos ? buffer_.size() : crlf;
        if (crlf == std::string::npos && buffer_.back() == '\r')
            --padding;  // the CR of a CRLF split across two pieces
        if (!std::all_of(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(padding),
                         [](char c) { return c == ' ' || c == '\t'; }) ||
            padding > limits_.max_padding)
            return fail(MultipartError::bad_delimiter_line);
        if (crlf == std::string::npos)
            return false;
        buffer_.erase(0, crlf + 2);
        if (parts_ > 0)
            sink.on_part_end();
        if (++parts_ > limits_.max_parts)
            return fail(MultipartError::too_many_parts);
        head_ = PartHead{};
        has_disposition_ = false;
        header_bytes_ = header_lines_ = 0;
        state_ = State::headers;
        return true;
    }
    case State::headers: {
        const auto crlf = buffer_.find("\r\n");
        if (crlf == std::string::npos) {
            if (header_bytes_ + buffer_.size() > limits_.max_header_bytes)
                return fail(MultipartError::header_too_long);
            return false;
        }
        header_bytes_ += crlf + 2;
        if (header_bytes_ > limits_.max_header_bytes)
            return fail(MultipartError::header_too_long);
        if (crlf == 0) {  // the empty line: content follows
            buffer_.erase(0, 2);
            if (!has_disposition_)
                return fail(MultipartError::missing_name);
            sink.on_part(head_);
            state_ = State::content;
            return true;
        }
        if (++header_lines_ > limits_.max_header_lines)
            return fail(MultipartError::header_too_long);
        if (!header_line(std::string_view(buffer_).substr(0, crlf)))
            return fail(MultipartError::bad_header);
        buffer_.erase(0, crlf + 2);
        return true;
    }
    case State::content: {
        const auto at = buffer_.find(delimiter_);
        if (at != std::string::npos) {
            if (at > 0)
                sink.on_data(std::string_view(buffer_).substr(0, at));
            buffer_.erase(0, at + delimiter_.size());
            state_ = State::after_delimiter;
            return true;
        }
        // Everything but a possible delimiter prefix at the end is content.
        if (buffer_.size() >= delimiter_.size()) {
            const std::size_t safe = buffer_.size() - (delimiter_.size() - 1);
            sink.on_data(std::string_view(buffer_).substr(0, safe));
            buffer_.erase(0, safe);
        }
        return false;
    }
    case State::epilogue:
    case State::failed: return false;
    }
    return false;
}

// One header line of a part: Content-Disposition and Content-Type are read, others ignored.
bool MultipartParser::header_line(std::string_view line)
{
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
        return false;  // also a folded line (leading SP/HTAB): obsolete, refused
    const std::string_view name = line.substr(0, colon);
    std::string_view value = trim_ows(line.substr(colon + 1));
    if (!is_field_value(value))
        return false;
    if (iequals(name, "Content-Type")) {
        if (value.empty())
            return false;
        head_.content_type = std::string(value);
        return true;
    }
    if (!iequals(name, "Content-Disposition"))
        return true;
    if (has_disposition_)
        return false;  // two of them: which one names the part?
    const auto semicolon = value.find(';');
    if (!iequals(trim_ows(value.substr(0, semicolon)), "form-data"))
        return false;
    std::string_view rest = semicolon == std::string_view::npos ? std::string_view{} : value.substr(semicolon);
    std::string param, text;
    bool named = false;
    for (;;) {
        const Param p = next_parameter(rest, param, text);
        if (p == Param::malformed)
            return false;
        if (p == Param::end)
            break;
        if (param == "name") {
            head_.name = text;
            named = true;
        } else if (param == "filename") {
            head_.filename = text;
        }
    }
    has_disposition_ = named;
    return true;
}

namespace {

class FieldCollector final : public MultipartSink {
public:
    explicit FieldCollector(std::vector<FormField>& fields) : fields_(fields) {}
    void on_part(const PartHead& head) override { fields_.push_back(FormField{head, {}}); }
    void on_data(std::string_view bytes) override { fields_.back().data.append(bytes); }
    void on_part_end() override {}

private:
    std::vector<FormField>& fields_;
};

}  // namespace

std::optional<std::vector<FormField>> parse_form_fields(std::string_view content_type, std::string_view body,
                                                        const MultipartLimits& limits)
{
    auto boundary = form_data_boundary(content_type);
    if (!boundary)
        return std::nullopt;
    std::vector<FormField> fields;
    FieldCollector collector(fields);
    MultipartParser parser(std::move(*boundary), limits);
    if (parser.feed(body, collector) != MultipartError::none || parser.finish() != MultipartError::none)
        return std::nullopt;
    return fields;
}

std::string_view form_value(const std::vector<FormField>& fields, std::string_view name)
{
    for (const auto& f : fields)
        if (!f.is_file() && f.head.name == name)
            return f.data;
    return {};
}

}  // namespace layer7::http
