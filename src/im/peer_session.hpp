// One direct chat connection between two IM clients (the peer protocol of index_codec.hpp), pure.
// The caller checks that the callee is the buddy it meant to reach (an address from the index may
// be stale: someone else may hold that port now); after the hello, both sides send MSG lines at
// will. Anything off-protocol is garbage: 554 and the connection is dropped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace layer7::im {

struct PeerEvent {
    enum class Kind {
        established,  // the hello is done: buddy() is who we talk to
        message,      // text from the buddy
        bye,          // the buddy closed the chat
    };
    Kind kind;
    std::string text;
};

struct PeerStep {
    std::string wire;               // to send, in order
    std::vector<PeerEvent> events;  // for the user
    bool close = false;             // after sending `wire`
    std::string error;              // why we close, when it is a fault ("" for a BYE)
};

class PeerSession {
public:
    enum class Role { caller, callee };
    // A caller names the buddy it expects; a callee learns it from HELLO.
    PeerSession(Role role, std::string me, std::string buddy = {});

    // The callee's first line ("" for a caller).
    std::string greeting() const;
    PeerStep on_line(std::string_view line);
    PeerStep on_line_too_long();
    // A MSG line with `text` (control characters as spaces); "" before the hello is done.
    std::string message(std::string_view text) const;

    bool established() const { return phase_ == Phase::established; }
    const std::string& buddy() const { return buddy_; }

private:
    enum class Phase { wait_greeting, wait_ok, wait_hello, established, closed };
    PeerStep garbage(std::string why);

    Role role_;
    std::string me_;
    std::string buddy_;
    Phase phase_;
};

}  // namespace layer7::im
