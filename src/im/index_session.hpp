// The index's side of the IM index protocol (index_codec.hpp), pure: the Directory of who is online
// and who watches whom, and one IndexSession per connection turning its lines into replies and
// presence pushes for other sessions. The shell serialises calls (one lock) and delivers pushes.
//
// Theory of operation: a session starts unregistered; REGISTER claims a name (refused while a live
// session holds it) and pushes "* ONLINE" to every session watching that name; WATCH adds names to
// the session's list and answers with their presence now; when the connection ends, however it
// ends, on_end() releases the name and pushes "* OFFLINE". Presence goes only to watchers — the
// buddy lists users gave — as an IM user expects; WHO shows everyone online to a registered user.
// There is no command that carries chat: MSG, SEND, CHAT and RELAY get 502.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace layer7::im {

using SessionId = std::uint64_t;

// A push for another session: its id and the line (CRLF included).
struct Delivery {
    SessionId to;
    std::string line;
};

class Directory {
public:
    explicit Directory(std::size_t max_users = 100000) : max_users_(max_users) {}

    enum class Claim { ok, taken, full };
    // `id` goes online as `name` at `address`; its watchers get "* ONLINE".
    Claim claim(SessionId id, const std::string& name, const std::string& address, std::vector<Delivery>& pushes);
    // `id` is gone: its name goes offline (its watchers get "* OFFLINE") and its watches end.
    void release(SessionId id, std::vector<Delivery>& pushes);
    // `id` watches `name` from now on; false when it watches `max` names already.
    bool watch(SessionId id, const std::string& name, std::size_t max);
    // The address of `name` when it is online.
    const std::string* lookup(const std::string& name) const;
    // Everyone online, by name.
    std::vector<std::pair<std::string, std::string>> online() const;
    std::size_t size() const { return online_.size(); }

private:
    struct Entry {
        SessionId id;
        std::string address;
    };
    std::size_t max_users_;
    std::map<std::string, Entry> online_;                                          // name → who holds it
    std::map<std::string, std::set<SessionId>> watchers_;                          // name → sessions watching it
    std::map<SessionId, std::pair<std::string, std::set<std::string>>> sessions_;  // id → (name, watching)
};

struct IndexPolicy {
    std::size_t max_watch = 256;  // names one session may watch
    int max_errors = 10;          // error replies before 421 and close (a scanner, a confused peer)
    std::size_t max_who = 1000;   // users one WHO lists: an answer's size is bounded, not the index's
};

struct IndexStep {
    std::string wire;              // to this session's client, in order
    std::vector<Delivery> pushes;  // to other sessions
    bool close = false;            // after writing `wire`
};

class IndexSession {
public:
    // `peer_host`: the client's IP as text, for REGISTER with an unspecified host.
    IndexSession(Directory& directory, SessionId id, const IndexPolicy& policy, std::string peer_host);

    std::string greeting() const;
    IndexStep on_line(std::string_view line);
    IndexStep on_line_too_long();
    // Before the shell closes for a reason of its own: the 421 line to send.
    static std::string idle_timeout();
    static std::string shutting_down();
    // The connection ended (after QUIT, an error, a timeout or a drop): release the name.
    IndexStep on_end();

    const std::string& name() const { return name_; }

private:
    IndexStep error(int code, std::string_view text);
    IndexStep do_register(std::string_view args);
    IndexStep do_watch(std::string_view args);
    IndexStep do_lookup(std::string_view args);
    IndexStep do_who(std::string_view args);

    Directory& directory_;
    SessionId id_;
    const IndexPolicy& policy_;
    std::string peer_host_;
    std::string name_;  // empty until registered
    int errors_ = 0;
    bool ended_ = false;
};

}  // namespace layer7::im
