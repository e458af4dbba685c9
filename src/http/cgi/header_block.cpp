// The CGI response header block: see header_block.hpp.
#include "http/cgi/header_block.hpp"

#include "http/message/token.hpp"

namespace layer7::http::cgi {

std::string_view describe(HeaderError e)
{
    switch (e) {
    case HeaderError::too_long: return "header block too long";
    case HeaderError::bad_line: return "header line without a colon (or folded)";
    case HeaderError::bad_name: return "invalid header field name";
    case HeaderError::bad_value: return "control character in a header field value";
    case HeaderError::bad_status: return "invalid Status field";
    case HeaderError::bad_location: return "Location is neither an absolute URI nor an absolute path";
    case HeaderError::duplicate: return "Status, Location or Content-Type given twice";
    case HeaderError::no_header: return "none of Content-Type, Location, Status";
    case HeaderError::incomplete: return "output ended inside the header block";
    }
    return "?";
}

namespace {

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':'.
bool has_scheme(std::string_view uri)
{
    const auto colon = uri.find(':');
    if (colon == 0 || colon == std::string_view::npos)
        return false;
    for (std::size_t i = 0; i < colon; ++i) {
        const char c = uri[i];
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alpha && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')))
            return false;
    }
    return true;
}

// Status = "Status:" status-code SP reason-phrase (§6.3.3); the reason is tolerated missing.
bool parse_status(std::string_view v, int& code, std::string& reason)
{
    if (v.size() < 3 || (v.size() > 3 && v[3] != ' '))
        return false;
    code = 0;
    for (int i = 0; i < 3; ++i) {
        if (v[i] < '0' || v[i] > '9')
            return false;
        code = code * 10 + (v[i] - '0');
    }
    reason = v.size() > 3 ? std::string(trim_ows(v.substr(4))) : std::string();
    // 1xx are the server's business (the interim responses), never a final answer from a script.
    return code >= 200 && code <= 599;
}

}  // namespace

ResponseKind ScriptHeader::kind() const
{
    if (location.empty())
        return ResponseKind::document;
    return location.front() == '/' ? ResponseKind::local_redirect : ResponseKind::client_redirect;
}

void HeaderParser::fail(HeaderError e)
{
    state_ = State::failed;
    error_ = e;
    partial_.clear();
}

void HeaderParser::complete()
{
    if (header_.location.empty() && header_.content_type.empty() && !header_.status)
        fail(HeaderError::no_header);
    else
        state_ = State::done;
}

std::size_t HeaderParser::feed(std::string_view bytes)
{
    std::size_t used = 0;
    while (state_ == State::need_more && used < bytes.size()) {
        const std::string_view rest = bytes.substr(used);
        const auto nl = rest.find('\n');
        const std::size_t take = nl == std::string_view::npos ? rest.size() : nl + 1;
        seen_ += take;
        used += take;
        if (seen_ > limits_.max_block) {
            fail(HeaderError::too_long);
            break;
        }
        if (nl == std::string_view::npos) {
            partial_.append(rest);
            break;
        }
        std::string_view text = rest.substr(0, nl);
        if (!partial_.empty()) {
            partial_.append(text);
            text = partial_;
        }
        if (text.ends_with('\r'))  // §6.3: NL is CR LF or a bare LF
            text.remove_suffix(1);
        line(text);
        partial_.clear();
    }
    return used;
}

void HeaderParser::finish()
{
    if (state_ == State::need_more)
        fail(HeaderError::incomplete);
}

void HeaderParser::line(std::string_view text)
{
    if (text.empty()) {
        complete();
        return;
    }
    if (++lines_ > limits_.max_fields)
        return fail(HeaderError::too_long);
    if (is_ows(text.front()))
        return fail(HeaderError::bad_line);
    const auto colon = text.find(':');
    if (colon == std::string_view::npos)
        return fail(HeaderError::bad_line);
    const std::string_view name = text.substr(0, colon);
    const std::string_view value = trim_ows(text.substr(colon + 1));
    if (!is_token(name))
        return fail(HeaderError::bad_name);
    if (!is_field_value(value))
        return fail(HeaderError::bad_value);
    if (iequals(name, "Status")) {
        int code = 0;
        if (header_.status)
            return fail(HeaderError::duplicate);
        if (!parse_status(value, code, header_.reason))
            return fail(HeaderError::bad_status);
        header_.status = code;
    } else if (iequals(name, "Location")) {
        if (!header_.location.empty())
            return fail(HeaderError::duplicate);
        if (value.empty() || (value.front() != '/' && !has_scheme(value)) || value.starts_with("//"))
            return fail(HeaderError::bad_location);
        header_.location = value;
    } else if (iequals(name, "Content-Type")) {
        if (!header_.content_type.empty())
            return fail(HeaderError::duplicate);
        header_.content_type = value;
    } else {
        header_.fields.add(name, value);
    }
}

}  // namespace layer7::http::cgi
