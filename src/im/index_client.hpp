// The client's side of the IM index protocol (index_codec.hpp), pure: builds the commands and
// turns each line from the index into one event, pairing replies with the commands they answer.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::im {

struct IndexEvent {
    enum class Kind {
        ready,       // the 220 greeting
        registered,  // REGISTER took: text says where
        refused,     // REGISTER did not: code and text
        online,      // "* ONLINE": name, address (a push, or an answer to WATCH)
        offline,     // "* OFFLINE": name
        user,        // "* USER" (WHO): name, address
        found,       // LOOKUP: name, address
        not_found,   // LOOKUP: name
        done,        // another command's success (WATCH, WHO, PING): text
        bye,         // 221 to QUIT
        closing,     // 421: the index closes now
        error,       // a command's error reply: code and text
        garbage,     // a line that is not the protocol, or a reply nobody asked for
    };
    Kind kind = Kind::garbage;
    int code = 0;
    std::string name, address, text;
    std::string_view answers;  // the verb of the command a reply answers ("WHO"); "" for other lines
};

class IndexClient {
public:
    std::string register_as(std::string_view name, std::string_view address);
    std::string watch(const std::vector<std::string>& names);
    std::string lookup(std::string_view name);
    std::string who();
    std::string ping();
    std::string quit();

    IndexEvent on_line(std::string_view line);
    // Commands sent and not answered yet.
    std::size_t pending() const { return pending_.size(); }

private:
    enum class Sent { register_, watch, lookup, who, ping, quit };
    std::string sent(Sent what, std::string line, std::string name = {});
    std::deque<std::pair<Sent, std::string>> pending_;  // with the name looked up
    bool greeted_ = false;
};

}  // namespace layer7::im
