// The wire format of layer7's hybrid instant messenger (the seeds' Skype/IM example): a central
// index that knows who is online and where, and direct peer-to-peer chat. Both protocols are ours:
// text lines ending in CRLF, one command per line, one-line replies with SMTP-style codes (pure).
//
// INDEX PROTOCOL (client → `layer7 im serve`, default 127.0.0.1:5222)
//   S: 220 layer7 IM index ready
//   C: REGISTER alice 127.0.0.1:40001        the name, and the address of the client's own peer port
//   S: 250 alice registered at 127.0.0.1:40001   (host 0.0.0.0 or :: = the address it connects from)
//   C: WATCH bob carol                        subscribe to buddies: their presence now, then pushes
//   S: * ONLINE bob 127.0.0.1:40002
//   S: * OFFLINE carol
//   S: 250 watching 2
//   C: LOOKUP bob                             S: 250 bob 127.0.0.1:40002  |  450 bob is not online
//   C: WHO                                    S: * USER bob 127.0.0.1:40002 … then 250 2 online
//   C: PING                                   S: 250 pong
//   C: QUIT                                   S: 221 bye   (the registration ends with the connection)
// Pushes may arrive between any two replies, after WATCH: "* ONLINE name addr", "* OFFLINE name".
// A line starting "*" is data or a push; a line starting with a digit answers the oldest command.
// A name is 1–32 of a-z 0-9 . _ - (upper case is folded), starting with a letter or digit.
// Errors: 500 unknown command or line too long; 501 bad argument (name, address); 502 chat
// (MSG, SEND, CHAT, RELAY): the index relays nothing, connect to the buddy; 503 bad sequence
// (register first, registered already); 550 the name is held by a live session; 452 too many
// names watched; 421 closing (too many errors, idle, shutting down), then the index closes.
//
// PEER PROTOCOL (caller → the buddy's peer address, a direct TCP connection)
//   S: 220 bob layer7 IM peer                 the callee says who it is (the caller checks the name)
//   C: HELLO alice                            the caller says who it is
//   S: 250 hello alice
//   then either side, at any time:  MSG <text>   (UTF-8, no control characters; not answered)
//                                   BYE          (the sender closes)
// Anything else, a line over the limit, a MSG before the hello: garbage. The receiver answers
// "554 protocol error" and drops the connection.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::im {

inline constexpr std::size_t max_name = 32;
// One line of either protocol without CRLF; a chat message is most of it. core::Limits::max_line
// overrides it in the shells.
inline constexpr std::size_t default_max_line = 4096;

// A name as the protocol keeps it (lower case), or nullopt when it is not a valid name.
std::optional<std::string> canonical_name(std::string_view text);
// "host:port" or "[v6]:port" with a port 1-65535 and a host of name or IP characters only: what
// REGISTER and the index's answers carry.
bool valid_address(std::string_view text);

// One command line split as verb (upper-cased) and the rest (leading spaces dropped).
struct Command {
    std::string verb;
    std::string_view args;
};
Command split_command(std::string_view line);
// The arguments separated by spaces (runs of spaces count as one).
std::vector<std::string_view> words(std::string_view args);

// The index's lines, CRLF included.
std::string reply(int code, std::string_view text);
std::string push_online(std::string_view name, std::string_view address);
std::string push_offline(std::string_view name);
std::string user_line(std::string_view name, std::string_view address);

// One line from the index as the client reads it.
struct IndexLine {
    enum class Kind {
        reply,    // "250 text": code and text
        online,   // "* ONLINE name addr"
        offline,  // "* OFFLINE name"
        user,     // "* USER name addr" (an answer to WHO)
        garbage,  // none of those
    };
    Kind kind = Kind::garbage;
    int code = 0;
    std::string text;     // reply text
    std::string name;     // pushes and USER
    std::string address;  // ONLINE and USER
};
IndexLine decode_index_line(std::string_view line);

// Peer lines, CRLF included. `text` is cleaned (control characters become spaces).
std::string peer_greeting(std::string_view name);
std::string peer_hello(std::string_view name);
std::string peer_message(std::string_view text);
std::string peer_bye();
// Control characters (C0, DEL) as spaces: what a user typed is shown to the buddy as text only.
std::string clean_text(std::string_view text);
// True when `text` has no control characters (a MSG we accept).
bool is_clean_text(std::string_view text);

}  // namespace layer7::im
