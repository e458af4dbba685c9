// The /ws/chat room: see chat_room.hpp.
#include "http/websocket/chat_room.hpp"

#include <algorithm>

#include "core/text/json_string.hpp"

namespace layer7::http::websocket {

using core::json_string;

namespace {

constexpr std::size_t max_name = 32;

bool safe_name(std::string_view name)
{
    if (name.empty() || name.size() > max_name)
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.';
    });
}

std::shared_ptr<const std::string> notice(std::string_view type, std::string_view name)
{
    return std::make_shared<const std::string>("{\"type\":\"" + std::string(type) + "\",\"name\":" + json_string(name) +
                                               "}");
}

}  // namespace

std::string ChatRoom::join(std::shared_ptr<Member> member, std::string_view wanted)
{
    std::lock_guard lock(mutex_);
    std::string base = safe_name(wanted) ? std::string(wanted) : "guest-" + std::to_string(++guests_);
    std::string name = base;
    auto taken = [&](const std::string& n) {
        return std::any_of(members_.begin(), members_.end(), [&](const Entry& e) { return e.name == n; });
    };
    for (int n = 2; taken(name); ++n)
        name = base + "-" + std::to_string(n);
    broadcast(notice("join", name));
    members_.push_back({name, member});
    member->deliver(std::make_shared<const std::string>(presence_for(name)));
    return name;
}

void ChatRoom::say(const Member* member, std::string_view text)
{
    std::lock_guard lock(mutex_);
    const std::string name = name_of(member);
    if (name.empty())
        return;
    if (text == "/who") {
        for (Entry& e : members_)
            if (e.member.get() == member)
                e.member->deliver(std::make_shared<const std::string>(presence_for(name)));
        return;
    }
    broadcast(std::make_shared<const std::string>("{\"type\":\"message\",\"from\":" + json_string(name) +
                                                  ",\"text\":" + json_string(text) + "}"));
}

void ChatRoom::leave(const Member* member)
{
    std::lock_guard lock(mutex_);
    auto it = std::find_if(members_.begin(), members_.end(), [&](const Entry& e) { return e.member.get() == member; });
    if (it == members_.end())
        return;
    const std::string name = it->name;
    members_.erase(it);
    broadcast(notice("leave", name));
}

std::vector<std::string> ChatRoom::online() const
{
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (const Entry& e : members_)
        names.push_back(e.name);
    return names;
}

std::string ChatRoom::presence_for(const std::string& name) const
{
    std::string json = "{\"type\":\"presence\",\"you\":" + json_string(name) + ",\"online\":[";
    for (std::size_t i = 0; i < members_.size(); ++i)
        json += (i ? "," : "") + json_string(members_[i].name);
    return json + "]}";
}

std::string ChatRoom::name_of(const Member* member) const
{
    for (const Entry& e : members_)
        if (e.member.get() == member)
            return e.name;
    return {};
}

void ChatRoom::broadcast(std::shared_ptr<const std::string> json)
{
    std::vector<std::shared_ptr<const std::string>> pending{std::move(json)};
    while (!pending.empty()) {
        auto message = std::move(pending.back());
        pending.pop_back();
        for (std::size_t i = 0; i < members_.size();) {
            if (members_[i].member->deliver(message)) {
                ++i;
                continue;
            }
            // Too slow: out of the room; the others hear that it left.
            pending.push_back(notice("leave", members_[i].name));
            members_.erase(members_.begin() + static_cast<std::ptrdiff_t>(i));
        }
    }
}

}  // namespace layer7::http::websocket
