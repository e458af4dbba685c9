// ENVELOPE, BODYSTRUCTURE and sections: see message_view.hpp.
#include "mail/imap/message_view.hpp"

#include <algorithm>
#include <deque>

#include "mail/imap/command_parser.hpp"
#include "mail/message/address.hpp"
#include "mail/message/header.hpp"

namespace layer7::mail::imap {

namespace {

// Nested message/rfc822 parts are parsed again for BODYSTRUCTURE; this bounds that recursion
// on top of the MIME parser's own depth limit.
constexpr int max_encapsulation = 8;

mail::MimePart parse_or_plain(std::string_view bytes)
{
    auto parsed = mail::parse_message(bytes);
    if (parsed)
        return std::move(*parsed);
    mail::MimePart plain;  // over a parser limit: one opaque text part, so FETCH still works
    plain.content_type = {"text/plain", {{"charset", "us-ascii"}}};
    plain.transfer_encoding = "7bit";
    plain.size = bytes.size();
    return plain;
}

std::size_t count_lines(std::string_view body)
{
    // A last line without its line break (before a boundary) is still a line.
    const bool partial = !body.empty() && body.back() != '\n';
    return static_cast<std::size_t>(std::count(body.begin(), body.end(), '\n')) + (partial ? 1 : 0);
}

std::string params_list(const mail::ParamField& field)
{
    if (field.params.empty())
        return "NIL";
    std::string out = "(";
    for (const auto& p : field.params) {
        if (out.size() > 1)
            out += ' ';
        out += imap_string(core::to_upper(p.name)) + " " + imap_string(p.value);
    }
    return out + ")";
}

std::string disposition(const mail::MimePart& part)
{
    if (part.disposition.value.empty())
        return "NIL";
    return "(" + imap_string(core::to_upper(part.disposition.value)) + " " + params_list(part.disposition) + ")";
}

std::string address_list(std::string_view value)
{
    if (value.empty())
        return "NIL";
    auto list = mail::parse_address_list(value);
    if (!list || list->empty())
        return "NIL";
    std::string out = "(";
    auto mailbox = [&out](const mail::Mailbox& m) {
        out += "(" + nstring(m.display_name) + " NIL " + nstring(m.local_part) + " " + nstring(m.domain) + ")";
    };
    for (const auto& a : *list) {
        if (a.is_group) {  // RFC 3501 §7.4.2: group start (NIL NIL name NIL), members, end (NIL NIL NIL NIL)
            out += "(NIL NIL " + nstring(a.group_name) + " NIL)";
            for (const auto& m : a.mailboxes)
                mailbox(m);
            out += "(NIL NIL NIL NIL)";
        } else {
            for (const auto& m : a.mailboxes)
                mailbox(m);
        }
    }
    return out == "(" ? "NIL" : out + ")";
}

std::string envelope_of(const mail::Header& h)
{
    std::string_view from = h.get("From");
    std::string_view sender = h.get("Sender").empty() ? from : h.get("Sender");
    std::string_view reply_to = h.get("Reply-To").empty() ? from : h.get("Reply-To");
    return "(" + nstring(h.get("Date")) + " " + nstring(h.get("Subject")) + " " + address_list(from) + " " +
           address_list(sender) + " " + address_list(reply_to) + " " + address_list(h.get("To")) + " " +
           address_list(h.get("Cc")) + " " + address_list(h.get("Bcc")) + " " + nstring(h.get("In-Reply-To")) + " " +
           nstring(h.get("Message-ID")) + ")";
}

std::string structure(std::string_view base, const mail::MimePart& part, bool extensible, int depth)
{
    if (part.is_multipart()) {
        std::string out = "(";
        for (const auto& child : part.parts)
            out += structure(base, child, extensible, depth);
        const auto slash = part.content_type.value.find('/');
        out += " " + imap_string(core::to_upper(part.content_type.value.substr(slash + 1)));
        if (extensible)
            out += " " + params_list(part.content_type) + " " + disposition(part) + " NIL NIL";
        return out + ")";
    }
    const std::string_view whole = base.substr(std::min(part.offset, base.size()), part.size);
    const std::string_view body = whole.substr(std::min(part.header_size, whole.size()));
    const auto slash = part.content_type.value.find('/');
    const std::string type = core::to_upper(part.content_type.value.substr(0, slash));
    const std::string subtype =
        slash == std::string::npos ? "PLAIN" : core::to_upper(part.content_type.value.substr(slash + 1));
    std::string out = "(" + imap_string(type) + " " + imap_string(subtype) + " " + params_list(part.content_type) +
                      " " + nstring(part.header.get("Content-ID")) + " " +
                      nstring(part.header.get("Content-Description")) + " " +
                      imap_string(core::to_upper(part.transfer_encoding)) + " " + std::to_string(body.size());
    if (type == "MESSAGE" && subtype == "RFC822" && depth < max_encapsulation) {
        const mail::MimePart inner = parse_or_plain(body);
        out += " " + envelope_of(inner.header) + " " + structure(body, inner, extensible, depth + 1) + " " +
               std::to_string(count_lines(body));
    } else if (type == "TEXT") {
        out += " " + std::to_string(count_lines(body));
    }
    if (extensible)
        out += " " + nstring(part.header.get("Content-MD5")) + " " + disposition(part) + " NIL NIL";
    return out + ")";
}

std::string header_fields(std::string_view header, const std::vector<std::string>& names, bool keep)
{
    auto parsed = mail::parse_header(header);
    std::string out;
    if (parsed)
        for (const auto& f : parsed->header.fields) {
            const bool listed =
                std::any_of(names.begin(), names.end(), [&](const std::string& n) { return iequals(n, f.name); });
            if (listed == keep) {
                out += f.raw;
                if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0)
                    out += "\r\n";
            }
        }
    return out + "\r\n";
}

}  // namespace

std::string imap_string(std::string_view text)
{
    const bool quotable = text.size() < 1024 && std::all_of(text.begin(), text.end(), [](char c) {
                              const auto u = static_cast<unsigned char>(c);
                              return u >= 0x20 && u < 0x7f;
                          });
    if (!quotable)
        return "{" + std::to_string(text.size()) + "}\r\n" + std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string nstring(std::string_view text)
{
    return text.empty() ? "NIL" : imap_string(text);
}

MessageView::MessageView(std::string crlf_bytes) : bytes_(std::move(crlf_bytes)), root_(parse_or_plain(bytes_)) {}

std::string MessageView::envelope() const
{
    return envelope_of(root_.header);
}

std::string MessageView::body_structure(bool extensible) const
{
    return structure(bytes_, root_, extensible, 0);
}

std::optional<std::string> MessageView::section(const Section& s) const
{
    struct Node {
        std::string_view base;  // the bytes the part's offsets refer to
        const mail::MimePart* part;
        bool message;  // a whole message (top level or encapsulated): HEADER and TEXT apply
        std::string_view whole() const { return base.substr(std::min(part->offset, base.size()), part->size); }
        std::string_view header() const { return whole().substr(0, part->header_size); }
        std::string_view body() const { return whole().substr(std::min(part->header_size, whole().size())); }
    };
    std::deque<mail::MimePart> encapsulated;  // parsed message/rfc822 bodies, alive while we look
    auto enter = [&encapsulated](Node& node) {
        const bool rfc822 = !node.message && iequals(node.part->content_type.value, "message/rfc822");
        if (rfc822 && encapsulated.size() < max_encapsulation) {
            const std::string_view body = node.body();
            encapsulated.push_back(parse_or_plain(body));
            node = {body, &encapsulated.back(), true};
        }
    };
    Node node{bytes_, &root_, true};
    for (std::uint32_t k : s.part) {
        enter(node);
        if (node.part->is_multipart()) {
            if (k == 0 || k > node.part->parts.size())
                return std::nullopt;
            node = {node.base, &node.part->parts[k - 1], false};
        } else if (k == 1 && node.message) {
            node.message = false;  // part 1 of a single-part message is its body
        } else {
            return std::nullopt;
        }
    }
    using Kind = Section::Kind;
    if (s.kind == Kind::all)
        return std::string(s.part.empty() ? node.whole() : node.body());
    if (s.kind == Kind::mime)
        return s.part.empty() ? std::nullopt : std::optional<std::string>(std::string(node.header()));
    if (!s.part.empty()) {
        enter(node);
        if (!node.message)
            return std::nullopt;
    }
    switch (s.kind) {
    case Kind::header: return std::string(node.header());
    case Kind::text: return std::string(node.body());
    case Kind::header_fields: return header_fields(node.header(), s.fields, true);
    default: return header_fields(node.header(), s.fields, false);
    }
}

std::optional<MessageView::Section> parse_section(std::string_view spec)
{
    MessageView::Section s;
    while (!spec.empty() && spec.front() >= '0' && spec.front() <= '9') {
        std::uint64_t n = 0;
        while (!spec.empty() && spec.front() >= '0' && spec.front() <= '9') {
            n = n * 10 + static_cast<std::uint64_t>(spec.front() - '0');
            if (n > 1000000)
                return std::nullopt;
            spec.remove_prefix(1);
        }
        if (n == 0)
            return std::nullopt;
        s.part.push_back(static_cast<std::uint32_t>(n));
        if (spec.empty())
            return s;
        if (spec.front() != '.')
            return std::nullopt;
        spec.remove_prefix(1);
        if (spec.empty())
            return std::nullopt;
    }
    const auto space = spec.find(' ');
    const std::string word = core::to_upper(spec.substr(0, space));
    using Kind = MessageView::Section::Kind;
    if (word.empty() && s.part.empty())
        return s;
    if (word == "HEADER")
        s.kind = Kind::header;
    else if (word == "TEXT")
        s.kind = Kind::text;
    else if (word == "MIME" && !s.part.empty())
        s.kind = Kind::mime;
    else if (word == "HEADER.FIELDS" || word == "HEADER.FIELDS.NOT") {
        s.kind = word == "HEADER.FIELDS" ? Kind::header_fields : Kind::header_fields_not;
        if (space == std::string_view::npos)
            return std::nullopt;
        std::string_view list = spec.substr(space + 1);
        if (list.size() < 2 || list.front() != '(' || list.back() != ')')
            return std::nullopt;
        list = list.substr(1, list.size() - 2);
        while (!list.empty()) {
            const auto sp = list.find(' ');
            std::string_view name = list.substr(0, sp);
            if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
                name = name.substr(1, name.size() - 2);
            if (name.empty())
                return std::nullopt;
            s.fields.push_back(core::to_upper(name));
            list = sp == std::string_view::npos ? std::string_view{} : list.substr(sp + 1);
        }
        if (s.fields.empty())
            return std::nullopt;
        return s;
    } else
        return std::nullopt;
    if (space != std::string_view::npos)
        return std::nullopt;
    return s;
}

}  // namespace layer7::mail::imap
