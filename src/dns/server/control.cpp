// The authoritative server's slow path: see control.hpp.
#include "dns/server/control.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include "dns/authority/axfr.hpp"

namespace layer7::dns {

struct Control::Request {
    Message query;  // without its TSIG record
    asio::ip::address from;
    std::span<const std::uint8_t> address;
    const TsigKey* key = nullptr;  // the key that signed it
    Transport transport = Transport::udp;
};

namespace {

std::uint64_t unix_now()
{
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

asio::ip::address address_of(std::span<const std::uint8_t> bytes)
{
    if (bytes.size() == 4)
        return asio::ip::address_v4({bytes[0], bytes[1], bytes[2], bytes[3]});
    asio::ip::address_v6::bytes_type v6{};
    std::copy(bytes.begin(), bytes.begin() + std::min<std::size_t>(bytes.size(), 16), v6.begin());
    return asio::ip::address_v6(v6);
}

Message reply_to(const Message& query, Rcode rcode)
{
    Message r;
    r.id = query.id;
    r.flags.qr = true;
    r.flags.opcode = query.flags.opcode;
    r.questions = query.questions;
    r.rcode = rcode;
    return r;
}

std::string key_name(const TsigKey* key)
{
    return key ? key->name.to_text() : std::string("no key");
}

// The log line of a transfer: IXFR with the changes it carried, or the records of a whole zone.
std::string transfer_summary(const Message& query, const std::vector<Message>& messages)
{
    std::vector<const Record*> records;
    for (const auto& m : messages)
        for (const auto& r : m.answers)
            records.push_back(&r);
    const auto serial = [](const Record* r) { return std::get<Soa>(r->data).serial; };
    const bool ixfr = query.questions.front().type == RrType::ixfr;
    if (records.empty() || records.front()->type != RrType::soa)
        return to_text(messages.front().rcode);
    if (ixfr && records.size() == 1)
        return "serial " + std::to_string(serial(records.front())) + ", up to date";
    std::size_t soas = 0;
    for (const auto* r : records)
        soas += r->type == RrType::soa;
    if (ixfr && records[1]->type == RrType::soa)
        return "serial " + std::to_string(serial(records[1])) + " → " + std::to_string(serial(records.front())) + ", " +
               std::to_string((soas - 2) / 2) + " changes";
    return std::string(ixfr ? "as AXFR, " : "") + "serial " + std::to_string(serial(records.front())) + ", " +
           std::to_string(records.size() - 1) + " records";
}

}  // namespace

std::vector<std::vector<std::uint8_t>> Control::handle(std::span<const std::uint8_t> wire,
                                                       std::span<const std::uint8_t> address, Transport transport)
{
    const auto header = peek_header(wire);
    if (!header || header->flags.qr)
        return {};
    auto tsig = find_tsig(wire);
    auto decoded = decode(wire);
    if (!tsig || !decoded)
        return {header_reply(*header, Rcode::form_err)};
    Request request{std::move(decoded).value(), address_of(address), address, nullptr, transport};
    const std::uint64_t now = unix_now();
    TsigSession session;
    if (tsig.value()) {
        request.query.additional.pop_back();
        const TsigCheck check = TsigSession::verify_request(wire, *tsig.value(), options_.keys, now, session);
        if (!check.ok()) {
            spdlog::info("dns: {} from {} refused: NOTAUTH ({} with key {})", to_text(request.query.flags.opcode),
                         request.from.to_string(), to_text(check.error), check.record.key.to_text());
            auto out = encode(reply_to(request.query, Rcode::not_auth));
            session.sign(out, now, check.error);
            return {out};
        }
        request.key = check.key;
    }
    std::vector<Message> replies;
    const Message& q = request.query;
    if (q.flags.opcode == Opcode::update)
        replies.push_back(update(request));
    else if (q.flags.opcode == Opcode::notify)
        replies.push_back(notify(request));
    else if (q.questions.size() == 1 && q.questions[0].type == RrType::axfr)
        replies = transport == Transport::tcp ? transfer(request) : std::vector<Message>{reply_to(q, Rcode::form_err)};
    else if (q.questions.size() == 1 && q.questions[0].type == RrType::ixfr && transport == Transport::tcp)
        replies = transfer(request);
    else
        replies.push_back(answer(q, *zones_.get(), options_.answer));
    std::vector<std::vector<std::uint8_t>> out;
    // A signed reply must fit with its TSIG (at most about 200 octets with a long key name).
    const std::size_t size = transport == Transport::udp ? udp_reply_size(q) : max_message_size;
    for (const auto& m : replies) {
        out.push_back(encode(m, request.key ? size - 256 : size));
        if (request.key)
            session.sign(out.back(), now);
    }
    return out;
}

Message Control::update(const Request& request)
{
    const Message& q = request.query;
    const std::string who = "by " + key_name(request.key) + " from " + request.from.to_string();
    if (q.questions.size() != 1)
        return reply_to(q, Rcode::form_err);
    const Name& origin = q.questions[0].name;
    auto refuse = [&](Rcode rcode, const std::string& why) {
        spdlog::info("dns: UPDATE {} {} refused: {} ({})", origin.to_text(), who, to_text(rcode), why);
        return reply_to(q, rcode);
    };
    if (!zones_.get()->entry(origin))
        return refuse(Rcode::not_auth, "not a zone served here");
    auto grants = options_.grants.find(origin);
    if (grants == options_.grants.end() || !keeper_.is_primary(origin))
        return refuse(Rcode::refused, "the zone takes no updates");
    if (!request.key)
        return refuse(Rcode::refused, "the update is not signed");
    const UpdateGrant* grant = nullptr;
    for (const auto& g : grants->second)
        if (g.key == request.key->name)
            grant = &g;
    if (!grant)
        return refuse(Rcode::refused, "the key may not update this zone");
    std::string error;
    const auto before = zones_.get()->entry(origin);
    const std::uint32_t was = before ? soa_serial(*before->zone) : 0;
    UpdateResult result = keeper_.update(q, *grant, error);
    if (!error.empty())
        return refuse(Rcode::serv_fail, error);
    if (result.rcode != Rcode::no_error)
        return refuse(result.rcode, result.reason);
    if (result.zone)
        spdlog::info("dns: UPDATE {} {}: serial {} → {}", origin.to_text(), who, was, soa_serial(*result.zone));
    else
        spdlog::info("dns: UPDATE {} {}: no change", origin.to_text(), who);
    return reply_to(q, Rcode::no_error);
}

Message Control::notify(const Request& request)
{
    const Message& q = request.query;
    if (q.questions.size() != 1 || q.questions[0].type != RrType::soa)
        return reply_to(q, Rcode::form_err);
    const Name& origin = q.questions[0].name;
    if (!keeper_.notified(origin, request.from)) {
        spdlog::info("dns: NOTIFY {} from {} refused: not a primary of a zone followed here", origin.to_text(),
                     request.from.to_string());
        return reply_to(q, Rcode::refused);
    }
    spdlog::info("dns: NOTIFY {} from {}: checking for a new serial", origin.to_text(), request.from.to_string());
    Message r = reply_to(q, Rcode::no_error);
    r.flags.aa = true;
    return r;
}

std::vector<Message> Control::transfer(const Request& request)
{
    const Message& q = request.query;
    const std::string type = to_text(q.questions[0].type);
    const std::string what = type + " " + q.questions[0].name.to_text() + " to " + request.from.to_string();
    if (!options_.transfer_acl.contains(request.address)) {
        spdlog::info("dns: {} refused: the address may not transfer zones", what);
        return {reply_to(q, Rcode::refused)};
    }
    if (options_.transfer_key && !(request.key && request.key->name == *options_.transfer_key)) {
        spdlog::info("dns: {} refused: not signed with the transfer key {}", what, options_.transfer_key->to_text());
        return {reply_to(q, Rcode::refused)};
    }
    auto messages = axfr(q, *zones_.get());
    spdlog::info("dns: {}: {}", what, transfer_summary(q, messages));
    return messages;
}

}  // namespace layer7::dns
