// Queue file formats: see queue_file.hpp. Both files start with a magic line naming the format and
// its version, so a future layout is refused rather than misread.
#include "mail/queue/queue_file.hpp"

#include <charconv>

namespace layer7::mail {
namespace {

constexpr std::string_view message_magic = "layer7-queue 1";
constexpr std::string_view state_magic = "layer7-state 1";

bool one_line(std::string_view value)
{
    return value.find_first_of("\r\n") == std::string_view::npos;
}

template <class T>
bool parse_number(std::string_view text, T& out)
{
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// Cuts the next "\n"-terminated line off `rest`; false when there is none.
bool next_line(std::string_view& rest, std::string_view& line)
{
    const auto lf = rest.find('\n');
    if (lf == std::string_view::npos)
        return false;
    line = rest.substr(0, lf);
    rest.remove_prefix(lf + 1);
    return true;
}

// "name: value" → name, value.
bool split_field(std::string_view line, std::string_view& name, std::string_view& value)
{
    const auto colon = line.find(": ");
    if (colon == std::string_view::npos) {
        if (line.empty() || line.back() != ':')
            return false;
        name = line.substr(0, line.size() - 1);
        value = {};
        return true;
    }
    name = line.substr(0, colon);
    value = line.substr(colon + 2);
    return true;
}

std::string_view status_name(RecipientStatus status)
{
    switch (status) {
    case RecipientStatus::sent: return "sent";
    case RecipientStatus::failed: return "failed";
    case RecipientStatus::pending: break;
    }
    return "pending";
}

}  // namespace

core::Result<std::string, QueueFileError> encode_message(const QueuedMessage& m)
{
    auto out = encode_message_head(m, m.content.size());
    if (out) {
        out->reserve(out->size() + m.content.size());
        out->append(m.content);
    }
    return out;
}

std::string encode_message_size(std::size_t size)
{
    std::string digits = std::to_string(size);
    digits.insert(0, message_size_digits - digits.size(), '0');
    return digits;
}

core::Result<std::string, QueueFileError> encode_message_head(const QueuedMessage& m, std::size_t size)
{
    const Envelope& e = m.envelope;
    if (!valid_queue_id(m.id))
        return core::fail(QueueFileError::bad_value);
    std::string out;
    out.reserve(512);
    out.append(message_magic).append("\n");
    auto field = [&](std::string_view name, std::string_view value) {
        out.append(name).append(": ").append(value).append("\n");
        return one_line(value);
    };
    bool ok = field("id", m.id) && field("arrival", std::to_string(m.arrival)) && field("from", e.mail_from);
    for (const auto& r : e.rcpt_to)
        ok = ok && field("rcpt", r);
    ok = ok && field("helo", e.helo) && field("client", e.client_address) && field("client-host", e.client_host) &&
         field("protocol", e.protocol) && field("auth", e.auth_user);
    std::string flags;
    if (e.eight_bit_mime)
        flags += " 8bitmime";
    if (e.smtputf8)
        flags += " smtputf8";
    if (e.tls)
        flags += " tls";
    ok = ok && field("flags", flags.empty() ? "" : std::string_view(flags).substr(1));
    ok = ok && field("size", encode_message_size(size));
    if (!ok)
        return core::fail(QueueFileError::bad_value);
    out.append("\n");
    return out;
}

core::Result<QueuedMessage, QueueFileError> decode_message(std::string_view bytes)
{
    std::string_view line;
    if (!next_line(bytes, line) || line != message_magic)
        return core::fail(QueueFileError::bad_magic);
    QueuedMessage m;
    Envelope& e = m.envelope;
    std::size_t size = 0;
    bool have_size = false;
    for (;;) {
        if (!next_line(bytes, line))
            return core::fail(QueueFileError::truncated);
        if (line.empty())
            break;
        std::string_view name, value;
        if (!split_field(line, name, value))
            return core::fail(QueueFileError::bad_field);
        if (name == "id")
            m.id = value;
        else if (name == "arrival") {
            if (!parse_number(value, m.arrival))
                return core::fail(QueueFileError::bad_number);
        } else if (name == "from")
            e.mail_from = value;
        else if (name == "rcpt")
            e.rcpt_to.emplace_back(value);
        else if (name == "helo")
            e.helo = value;
        else if (name == "client")
            e.client_address = value;
        else if (name == "client-host")
            e.client_host = value;
        else if (name == "protocol")
            e.protocol = value;
        else if (name == "auth")
            e.auth_user = value;
        else if (name == "flags") {
            while (!value.empty()) {
                const auto sp = value.find(' ');
                const std::string_view flag = value.substr(0, sp);
                if (flag == "8bitmime")
                    e.eight_bit_mime = true;
                else if (flag == "smtputf8")
                    e.smtputf8 = true;
                else if (flag == "tls")
                    e.tls = true;
                else
                    return core::fail(QueueFileError::bad_field);
                value = sp == std::string_view::npos ? std::string_view() : value.substr(sp + 1);
            }
        } else if (name == "size") {
            if (!parse_number(value, size))
                return core::fail(QueueFileError::bad_number);
            have_size = true;
        } else
            return core::fail(QueueFileError::bad_field);
    }
    if (!have_size || !valid_queue_id(m.id) || e.rcpt_to.empty())
        return core::fail(QueueFileError::bad_field);
    if (bytes.size() < size)
        return core::fail(QueueFileError::truncated);
    if (bytes.size() > size)
        return core::fail(QueueFileError::bad_field);
    m.content = bytes;
    return m;
}

core::Result<std::string, QueueFileError> encode_state(const QueueState& s)
{
    std::string out;
    out.append(state_magic).append("\n");
    out += "attempts: " + std::to_string(s.attempts) + "\n";
    out += "next: " + std::to_string(s.next_attempt) + "\n";
    for (std::size_t i = 0; i < s.recipients.size(); ++i) {
        const RecipientState& r = s.recipients[i];
        if (!one_line(r.detail) || !one_line(r.remote) || r.remote.find(' ') != std::string::npos)
            return core::fail(QueueFileError::bad_value);
        out += "rcpt: " + std::to_string(i) + " ";
        out.append(status_name(r.status)).append(" ").append(r.remote.empty() ? "-" : r.remote);
        out.append(" ").append(r.detail).append("\n");
    }
    return out;
}

core::Result<QueueState, QueueFileError> decode_state(std::string_view bytes, std::size_t recipients)
{
    std::string_view line;
    if (!next_line(bytes, line) || line != state_magic)
        return core::fail(QueueFileError::bad_magic);
    QueueState s = initial_state(recipients);
    while (next_line(bytes, line)) {
        std::string_view name, value;
        if (!split_field(line, name, value))
            return core::fail(QueueFileError::bad_field);
        if (name == "attempts") {
            if (!parse_number(value, s.attempts))
                return core::fail(QueueFileError::bad_number);
        } else if (name == "next") {
            if (!parse_number(value, s.next_attempt))
                return core::fail(QueueFileError::bad_number);
        } else if (name == "rcpt") {
            // "N status remote detail…"
            const auto a = value.find(' ');
            const auto b = a == std::string_view::npos ? a : value.find(' ', a + 1);
            if (b == std::string_view::npos)
                return core::fail(QueueFileError::bad_field);
            const auto c = value.find(' ', b + 1);
            std::size_t index = 0;
            if (!parse_number(value.substr(0, a), index))
                return core::fail(QueueFileError::bad_number);
            if (index >= recipients)
                return core::fail(QueueFileError::bad_value);
            const std::string_view status = value.substr(a + 1, b - a - 1);
            RecipientState& r = s.recipients[index];
            if (status == "pending")
                r.status = RecipientStatus::pending;
            else if (status == "sent")
                r.status = RecipientStatus::sent;
            else if (status == "failed")
                r.status = RecipientStatus::failed;
            else
                return core::fail(QueueFileError::bad_field);
            const std::string_view remote = value.substr(b + 1, c == std::string_view::npos ? c : c - b - 1);
            r.remote = remote == "-" ? std::string() : std::string(remote);
            r.detail = c == std::string_view::npos ? std::string() : std::string(value.substr(c + 1));
        } else
            return core::fail(QueueFileError::bad_field);
    }
    if (!bytes.empty())  // a last line without its LF: a torn write
        return core::fail(QueueFileError::truncated);
    return s;
}

QueueState initial_state(std::size_t recipients)
{
    QueueState s;
    s.recipients.resize(recipients);
    return s;
}

bool finished(const QueueState& state)
{
    for (const auto& r : state.recipients)
        if (r.status == RecipientStatus::pending)
            return false;
    return true;
}

bool valid_queue_id(std::string_view id)
{
    if (id.empty() || id.size() > 64)
        return false;
    for (char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
            return false;
    return true;
}

}  // namespace layer7::mail
