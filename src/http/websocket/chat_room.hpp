// The /ws/chat room: who is online, join and leave notices, every line fanned out to everyone.
// Members are behind an interface, so the room is tested without sockets; it is shared by the
// connections of every worker thread, hence the lock. Messages to clients are JSON objects:
//   {"type":"presence","you":"alice","online":["alice","bob"]}   to a newcomer, and on "/who"
//   {"type":"join","name":"bob"}  {"type":"leave","name":"bob"}   to everyone else
//   {"type":"message","from":"alice","text":"hi"}                 to everyone, the sender too
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::http::websocket {

class ChatRoom {
public:
    class Member {
    public:
        virtual ~Member() = default;
        // Queues one text message; false when the member cannot keep up (and is being dropped).
        virtual bool deliver(std::shared_ptr<const std::string> json) = 0;
    };

    // Joins under `wanted` (a safe name, else "guest-N"; made unique with "-2", "-3", …) and
    // returns the name given.
    std::string join(std::shared_ptr<Member> member, std::string_view wanted);
    // One line from `member`: "/who" answers it with the presence list, anything else is said to all.
    void say(const Member* member, std::string_view text);
    // Idempotent.
    void leave(const Member* member);
    std::vector<std::string> online() const;

private:
    struct Entry {
        std::string name;
        std::shared_ptr<Member> member;
    };
    std::string presence_for(const std::string& name) const;  // under the lock
    // Delivers to everyone; members that fail are removed and their leave is announced too.
    void broadcast(std::shared_ptr<const std::string> json);  // under the lock
    std::string name_of(const Member* member) const;          // under the lock

    mutable std::mutex mutex_;
    std::vector<Entry> members_;
    std::uint64_t guests_ = 0;
};

}  // namespace layer7::http::websocket
