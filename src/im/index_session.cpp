// The index session and its directory: see index_session.hpp.
#include "im/index_session.hpp"

#include <algorithm>

#include "core/text/host_port.hpp"
#include "im/index_codec.hpp"

namespace layer7::im {

Directory::Claim Directory::claim(SessionId id, const std::string& name, const std::string& address,
                                  std::vector<Delivery>& pushes)
{
    if (online_.contains(name))
        return Claim::taken;
    if (online_.size() >= max_users_)
        return Claim::full;
    online_.emplace(name, Entry{id, address});
    sessions_[id].first = name;
    if (auto it = watchers_.find(name); it != watchers_.end())
        for (SessionId watcher : it->second)
            pushes.push_back({watcher, push_online(name, address)});
    return Claim::ok;
}

void Directory::release(SessionId id, std::vector<Delivery>& pushes)
{
    auto session = sessions_.find(id);
    if (session == sessions_.end())
        return;
    auto& [name, watching] = session->second;
    for (const auto& watched : watching) {
        auto it = watchers_.find(watched);
        if (it == watchers_.end())
            continue;
        it->second.erase(id);
        if (it->second.empty())
            watchers_.erase(it);
    }
    if (!name.empty()) {
        online_.erase(name);
        if (auto it = watchers_.find(name); it != watchers_.end())
            for (SessionId watcher : it->second)
                pushes.push_back({watcher, push_offline(name)});
    }
    sessions_.erase(session);
}

bool Directory::watch(SessionId id, const std::string& name, std::size_t max)
{
    auto& watching = sessions_[id].second;
    if (watching.contains(name))
        return true;
    if (watching.size() >= max)
        return false;
    watching.insert(name);
    watchers_[name].insert(id);
    return true;
}

const std::string* Directory::lookup(const std::string& name) const
{
    auto it = online_.find(name);
    return it == online_.end() ? nullptr : &it->second.address;
}

std::vector<std::pair<std::string, std::string>> Directory::online() const
{
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(online_.size());
    for (const auto& [name, entry] : online_)
        out.emplace_back(name, entry.address);
    return out;
}

namespace {
// A step that only answers this session.
IndexStep answer(std::string wire, bool close = false)
{
    IndexStep step;
    step.wire = std::move(wire);
    step.close = close;
    return step;
}
}  // namespace

IndexSession::IndexSession(Directory& directory, SessionId id, const IndexPolicy& policy, std::string peer_host)
    : directory_(directory), id_(id), policy_(policy), peer_host_(std::move(peer_host))
{
}

std::string IndexSession::greeting() const
{
    return reply(220, "layer7 IM index ready");
}

std::string IndexSession::idle_timeout()
{
    return reply(421, "idle too long, closing");
}

std::string IndexSession::shutting_down()
{
    return reply(421, "index shutting down, closing");
}

IndexStep IndexSession::error(int code, std::string_view text)
{
    IndexStep step;
    step.wire = reply(code, text);
    if (++errors_ >= policy_.max_errors) {
        step.wire += reply(421, "too many errors, closing");
        step.close = true;
    }
    return step;
}

IndexStep IndexSession::on_line_too_long()
{
    if (ended_)
        return answer({}, true);
    return error(500, "line too long");
}

IndexStep IndexSession::on_line(std::string_view line)
{
    if (ended_)
        return answer({}, true);
    Command command = split_command(line);
    const std::string& verb = command.verb;
    if (verb == "PING")
        return answer(reply(250, "pong"));
    if (verb == "QUIT")
        return answer(reply(221, "bye"), true);
    // The index is not in the chat path: nothing that looks like a message is taken.
    if (verb == "MSG" || verb == "SEND" || verb == "CHAT" || verb == "RELAY")
        return error(502, "the index relays no chat: LOOKUP the buddy and connect to it");
    if (verb == "REGISTER")
        return do_register(command.args);
    if (verb == "WATCH" || verb == "LOOKUP" || verb == "WHO") {
        if (name_.empty())
            return error(503, "REGISTER first");
        if (verb == "WATCH")
            return do_watch(command.args);
        return verb == "LOOKUP" ? do_lookup(command.args) : do_who(command.args);
    }
    return error(500, "unknown command");
}

IndexStep IndexSession::do_register(std::string_view args)
{
    if (!name_.empty())
        return error(503, "registered already as " + name_);
    const auto parts = words(args);
    if (parts.size() != 2)
        return error(501, "usage: REGISTER name host:port");
    auto name = canonical_name(parts[0]);
    if (!name)
        return error(501, "bad name: 1-32 of a-z 0-9 . _ -, starting with a letter or digit");
    if (!valid_address(parts[1]))
        return error(501, "bad address: host:port or [v6]:port");
    std::string address(parts[1]);
    // "0.0.0.0:port" (or [::]): the client listens everywhere; others reach it where it came from.
    if (auto hp = core::parse_host_port(address); hp->host == "0.0.0.0" || hp->host == "::") {
        hp->host = peer_host_;
        address = core::to_string(*hp);
    }
    IndexStep step;
    switch (directory_.claim(id_, *name, address, step.pushes)) {
    case Directory::Claim::taken: return error(550, *name + " is in use by a live session");
    case Directory::Claim::full: return error(452, "the index is full");
    case Directory::Claim::ok: break;
    }
    name_ = *name;
    step.wire = reply(250, name_ + " registered at " + address);
    return step;
}

IndexStep IndexSession::do_watch(std::string_view args)
{
    const auto parts = words(args);
    if (parts.empty())
        return error(501, "usage: WATCH name...");
    std::vector<std::string> names;
    for (auto part : parts) {
        auto name = canonical_name(part);
        if (!name)
            return error(501, "bad name: " + std::string(part.substr(0, max_name)));
        names.push_back(std::move(*name));
    }
    IndexStep step;
    for (const auto& name : names) {
        if (!directory_.watch(id_, name, policy_.max_watch)) {
            step.wire += reply(452, "watching too many names (at most " + std::to_string(policy_.max_watch) + ")");
            return step;
        }
        const std::string* address = directory_.lookup(name);
        step.wire += address ? push_online(name, *address) : push_offline(name);
    }
    step.wire += reply(250, "watching " + std::to_string(names.size()));
    return step;
}

IndexStep IndexSession::do_lookup(std::string_view args)
{
    const auto parts = words(args);
    if (parts.size() != 1)
        return error(501, "usage: LOOKUP name");
    auto name = canonical_name(parts[0]);
    if (!name)
        return error(501, "bad name");
    const std::string* address = directory_.lookup(*name);
    if (!address)
        return answer(reply(450, *name + " is not online"));
    return answer(reply(250, *name + " " + *address));
}

IndexStep IndexSession::do_who(std::string_view args)
{
    if (!words(args).empty())
        return error(501, "usage: WHO");
    IndexStep step;
    const auto everyone = directory_.online();
    const std::size_t shown = std::min(everyone.size(), policy_.max_who);
    for (std::size_t i = 0; i < shown; ++i)
        step.wire += user_line(everyone[i].first, everyone[i].second);
    std::string text = std::to_string(everyone.size()) + " online";
    if (shown < everyone.size())
        text += " (the first " + std::to_string(shown) + " listed)";
    step.wire += reply(250, text);
    return step;
}

IndexStep IndexSession::on_end()
{
    IndexStep step;
    step.close = true;
    if (ended_)
        return step;
    ended_ = true;
    directory_.release(id_, step.pushes);
    name_.clear();
    return step;
}

}  // namespace layer7::im
