// The pure IMAP server session: RFC 3501 (IMAP4rev1) with LITERAL+ (RFC 7888), SASL-IR (RFC 4959),
// IDLE (RFC 2177), NAMESPACE (RFC 2342), ID (RFC 2971), ENABLE (RFC 5161), UIDPLUS (RFC 4315),
// MOVE (RFC 6851), UNSELECT (RFC 3691), CHILDREN (RFC 3348), LIST-EXTENDED (RFC 5258), SPECIAL-USE
// (RFC 6154), CONDSTORE and QRESYNC (RFC 7162). Assembled commands in (command_parser.hpp); a Step out: bytes
// to write and one requested action. Mail is reached through the Account interface the shell hands over.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mail/imap/account.hpp"
#include "mail/imap/command_parser.hpp"
#include "mail/imap/limits.hpp"

namespace layer7::mail::imap {

enum class State { not_authenticated, authenticated, selected, logout };  // RFC 3501 §3

enum class Action {
    read_command,  // write `wire`, then read the next command (or, see wants_continuation(), a SASL line)
    open_account,  // the password was right: give on_account() the mail of `user`
    start_tls,     // write `wire`, drop pipelined input, handshake, then on_tls_started()
    idle,          // write `wire`, then wait for a line (on_idle_line) or a folder change (on_idle_changed)
    more,          // write `wire`, then take the rest of the response from on_more() (a long FETCH)
    close,         // write `wire`, then close
};

struct Step {
    std::string wire;
    Action action = Action::read_command;
    std::string user;                    // open_account: the login, already checked
    std::chrono::milliseconds delay{0};  // wait this long before writing (failed logins)
};

struct Policy {  // built from the [imap] config section
    std::string greeting = "IMAP4rev1 server ready";
    bool tls_available = false;   // a certificate is configured: offer STARTTLS
    bool plaintext_auth = false;  // LOGIN/PLAIN without TLS from non-loopback peers (RFC 3501 §6.2.3)
    std::size_t max_auth_failures = 3;
    std::chrono::milliseconds auth_failure_delay{1000};  // doubled after each failure
    std::size_t max_errors = 20;                         // BAD commands, then BYE
    ImapLimits limits;
    std::function<bool(std::string_view user, std::string_view password)> check_credentials;  // unset: none
};

struct Client {
    bool loopback = false;
    bool tls = false;  // implicit TLS (imaps)
};

class Session {
public:
    explicit Session(const Policy& policy, Client client = {});
    ~Session();
    Session(Session&&) noexcept;
    std::string greeting() const;
    Step on_command(const RawCommand& command);
    // The assembler refused a literal or an over-long command: its response line (and BYE if fatal).
    Step on_refused(const CommandAssembler::Event& event);
    Step on_line_too_long();
    // AUTHENTICATE waits for the client's SASL response line (RFC 3501 §6.2.2).
    bool wants_continuation() const { return sasl_tag_.has_value(); }
    Step on_continuation(std::string_view line);
    // After open_account: the user's mail (owned by the shell, alive until the session ends), or
    // nullptr when it cannot be opened.
    Step on_account(Account* account);
    void on_tls_started();
    Step on_idle_line(std::string_view line);  // "DONE" ends IDLE
    Step on_idle_changed();                    // untagged EXISTS / EXPUNGE / FETCH for what changed
    Step on_more();                            // after Action::more: the next chunk
    State state() const { return state_; }
    // The selected mailbox, "" when none (the shell watches it during IDLE).
    const std::string& selected_folder() const { return selected_; }

private:
    struct Command;
    struct Context;  // one command: tag, UID prefix, reader
    struct FetchItem;
    struct FetchJob;
    static const Command* find(std::string_view name);

    Step capability(Context& c);
    Step noop(Context& c);
    Step logout(Context& c);
    Step starttls(Context& c);
    Step login(Context& c);
    Step authenticate(Context& c);
    Step select(Context& c);
    Step create(Context& c);
    Step remove(Context& c);
    Step rename(Context& c);
    Step subscribe(Context& c);
    Step unsubscribe(Context& c);
    Step list(Context& c);
    Step lsub(Context& c);
    Step status(Context& c);
    Step append(Context& c);
    Step check(Context& c);
    Step close(Context& c);
    Step unselect(Context& c);
    Step expunge(Context& c);
    Step search(Context& c);
    Step fetch(Context& c);
    Step store(Context& c);
    Step copy(Context& c);
    Step move(Context& c);
    Step idle(Context& c);
    Step namespace_(Context& c);
    Step id(Context& c);
    Step enable(Context& c);
    Step uid(Context& c);

    Step tagged(const std::string& tag, std::string_view status, std::string_view text, std::string untagged = {});
    // Untagged news of the selected folder (refresh()) put before a completed command's tagged line.
    void add_news(Step& step, bool expunge_ok);
    // The next chunk of fetching_'s responses; the last one ends it with the tagged line.
    Step next_fetch_chunk();
    // One message's FETCH response, appended to `out` (nothing when it is gone meanwhile).
    void fetch_message(const FetchJob& job, std::size_t index, std::string& out);
    Step bad(const std::string& tag, std::string_view text);  // counts towards max_errors
    Step login_as(const std::string& tag, std::string_view user, std::string_view password);
    bool login_allowed() const { return policy_.plaintext_auth || tls_ || client_.loopback; }
    std::string capabilities() const;
    // Untagged responses for what others changed in the selected folder since we last looked;
    // EXPUNGE only when `expunge_ok` (RFC 3501 §7.4.1: not during FETCH, STORE, SEARCH).
    std::string refresh(bool expunge_ok);
    // Messages in `set` as 0-based indexes of the selected folder (`uids`: the set holds UIDs).
    std::vector<std::size_t> resolve(const SequenceSet& set, bool uids) const;
    // The selected folder's flags by UID as they are now in the store (another session may have
    // changed them since this one looked); empty when the folder cannot be read.
    std::map<std::uint32_t, std::string> current_flags();
    std::string remove_deleted(const std::vector<std::size_t>* only, bool announce);
    Step copy_or_move(Context& c, bool move);
    void deselect();
    // RFC 7162 §3.1: CONDSTORE on; returns the untagged HIGHESTMODSEQ the first enabling command
    // owes when a mailbox is selected.
    std::string enable_condstore();
    // " MODSEQ (n)" for an untagged FETCH once CONDSTORE is on, else "".
    std::string modseq_item(const MessageRef& m) const;
    // "UID n " for an untagged FETCH of a UID command or once QRESYNC is on, else "".
    std::string uid_item(const MessageRef& m, bool uid_command) const;
    // RFC 7162 §3.2.5.1, §3.2.6: "* VANISHED (EARLIER) …" for the selected folder's UIDs expunged
    // after `since` (within `within` when given) that the view no longer holds; "" when none.
    std::string vanished_earlier(std::uint64_t since, const SequenceSet* within);
    // SELECT … (QRESYNC …): VANISHED (EARLIER), then a FETCH for each message changed since `since`.
    std::string resynchronize(std::uint64_t since, const SequenceSet* known);
    // Untagged responses for messages gone from the view, given as (message number when it went, UID).
    std::string expunged(std::vector<std::pair<std::size_t, std::uint32_t>> gone) const;
    static std::optional<std::uint64_t> unchanged_since(Reader& in);

    const Policy& policy_;
    Client client_;
    State state_ = State::not_authenticated;
    bool tls_ = false;
    std::size_t auth_failures_ = 0;
    std::size_t errors_ = 0;
    std::optional<std::string> sasl_tag_;     // AUTHENTICATE waiting for its response line
    std::optional<std::string> pending_tag_;  // LOGIN/AUTHENTICATE waiting for on_account()
    std::optional<std::string> idle_tag_;
    Account* account_ = nullptr;
    std::string selected_;
    bool read_only_ = false;
    bool condstore_ = false;              // RFC 7162: a CONDSTORE enabling command came (until logout)
    bool qresync_ = false;                // RFC 7162 §3.2.3: ENABLE QRESYNC came: VANISHED instead of EXPUNGE
    FolderSnapshot view_;                 // the selected folder as this session has announced it
    std::unique_ptr<FetchJob> fetching_;  // a FETCH answered in chunks, until its last one
};

}  // namespace layer7::mail::imap
