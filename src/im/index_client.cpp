// The client's side of the index protocol: see index_client.hpp.
#include "im/index_client.hpp"

#include "im/index_codec.hpp"

namespace layer7::im {

std::string IndexClient::sent(Sent what, std::string line, std::string name)
{
    pending_.emplace_back(what, std::move(name));
    return line + "\r\n";
}

std::string IndexClient::register_as(std::string_view name, std::string_view address)
{
    return sent(Sent::register_, "REGISTER " + std::string(name) + " " + std::string(address));
}

std::string IndexClient::watch(const std::vector<std::string>& names)
{
    std::string line = "WATCH";
    for (const auto& name : names)
        line += " " + name;
    return sent(Sent::watch, std::move(line));
}

std::string IndexClient::lookup(std::string_view name)
{
    return sent(Sent::lookup, "LOOKUP " + std::string(name), std::string(name));
}

std::string IndexClient::who()
{
    return sent(Sent::who, "WHO");
}

std::string IndexClient::ping()
{
    return sent(Sent::ping, "PING");
}

std::string IndexClient::quit()
{
    return sent(Sent::quit, "QUIT");
}

IndexEvent IndexClient::on_line(std::string_view line)
{
    IndexLine in = decode_index_line(line);
    IndexEvent event;
    event.code = in.code;
    event.text = in.text;
    event.name = in.name;
    event.address = in.address;
    switch (in.kind) {
    case IndexLine::Kind::garbage: return event;
    case IndexLine::Kind::online: event.kind = IndexEvent::Kind::online; return event;
    case IndexLine::Kind::offline: event.kind = IndexEvent::Kind::offline; return event;
    case IndexLine::Kind::user: event.kind = IndexEvent::Kind::user; return event;
    case IndexLine::Kind::reply: break;
    }
    if (in.code == 421) {
        event.kind = IndexEvent::Kind::closing;
        return event;
    }
    if (!greeted_) {
        greeted_ = in.code == 220;
        event.kind = greeted_ ? IndexEvent::Kind::ready : IndexEvent::Kind::garbage;
        return event;
    }
    if (pending_.empty())
        return event;  // garbage: an answer to nothing
    auto [what, name] = std::move(pending_.front());
    pending_.pop_front();
    const bool ok = in.code >= 200 && in.code < 300;
    static constexpr std::string_view verbs[] = {"REGISTER", "WATCH", "LOOKUP", "WHO", "PING", "QUIT"};
    event.answers = verbs[static_cast<int>(what)];
    switch (what) {
    case Sent::register_: event.kind = ok ? IndexEvent::Kind::registered : IndexEvent::Kind::refused; return event;
    case Sent::lookup:
        if (in.code == 450) {
            event.kind = IndexEvent::Kind::not_found;
            event.name = name;
            return event;
        }
        if (ok) {
            const auto parts = words(in.text);
            auto found = parts.size() == 2 ? canonical_name(parts[0]) : std::nullopt;
            if (found && valid_address(parts[1])) {
                event.kind = IndexEvent::Kind::found;
                event.name = *found;
                event.address = std::string(parts[1]);
            }
            return event;  // garbage unless it parsed
        }
        break;
    case Sent::quit:
        if (in.code == 221) {
            event.kind = IndexEvent::Kind::bye;
            return event;
        }
        break;
    case Sent::watch:
    case Sent::who:
    case Sent::ping:
        if (ok) {
            event.kind = IndexEvent::Kind::done;
            return event;
        }
        break;
    }
    event.kind = IndexEvent::Kind::error;
    return event;
}

}  // namespace layer7::im
