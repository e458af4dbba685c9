// ControlSession: the FTP control connection as a pure state machine (RFC 959, 2428, 3659, 4217).
//
// Theory of operation. The shell feeds each command line to on_line() and gets a Step: replies to
// write, then at most one Action to perform (check a password, start TLS, open a passive listener,
// touch the file system, move bytes over a data connection, close). The shell performs it and
// feeds the outcome back through the matching on_<result>(), which returns the next Step. A
// transfer takes two actions: the file-system one (open_read / open_write / list), whose success
// yields "150" plus Op::transfer, and the transfer itself, whose outcome yields 226/425/426/451/452.
// Paths here are virtual ("/a/b" in the user's root); the shell opens them beneath the root, so the
// kernel refuses symlinks that lead out. The session never sees a clock, a socket or a file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ftp/address.hpp"
#include "ftp/listing.hpp"
#include "ftp/reply.hpp"

namespace layer7::ftp {

struct Policy {
    std::string greeting = "layer7 FTP server ready.";
    bool anonymous = false;                 // USER anonymous|ftp, any password, read-only
    bool tls_available = false;             // AUTH TLS offered (RFC 4217)
    std::optional<IpAddress> pasv_address;  // advertised in 227 (NAT); else the control connection's address
    unsigned max_login_failures = 3;        // then 421 and close, as vsftpd's max_login_fails
};

// The two ends of the control connection: the bounce defence compares PORT/EPRT with `peer`.
struct Endpoints {
    IpAddress peer;
    IpAddress local;
};

enum class Op {
    none,
    login,         // user/password (anonymous set when it is a guest login) → on_login
    start_tls,     // TLS handshake on the control connection → on_tls_started
    open_passive,  // a listener for the data connection → on_passive_opened
    stat,          // facts of `path` → on_fs (info)
    change_dir,    // is `path` a directory → on_fs
    list,          // entries of directory `path` (or the file itself) → on_fs (entries, now)
    open_read,     // open `path` for reading → on_fs (info.size)
    open_write,    // a temp file for `path` (append / offset / unique) → on_fs (info.name)
    remove_file,   // → on_fs
    remove_dir,    // → on_fs
    make_dir,      // → on_fs
    rename,        // `path` → `path2` → on_fs
    transfer,      // the 150 is written: connect the data channel and move the bytes → on_transfer_done
    close,         // the replies are written: close the control connection
};

enum class DataMode { none, passive, active };
enum class Direction { send_file, receive_file, send_listing };

struct Action {
    Op op = Op::none;
    std::string path;            // root-relative for core::Root ("" is the root)
    std::string path2;           // rename target
    std::string user, password;  // login
    bool anonymous = false;      // login as the guest
    std::uint64_t offset = 0;    // REST (RFC 3659 §5)
    bool append = false;         // APPE
    bool unique = false;         // STOU: the shell picks a fresh name in `path` (a directory)
    // transfer
    Direction direction = Direction::send_file;
    std::string listing;   // send_listing: the body
    bool ascii = false;    // TYPE A: LF ↔ CRLF on the wire
    bool protect = false;  // PROT P: TLS on the data connection
    DataMode data_mode = DataMode::none;
    HostPortAddress active;  // where to connect for DataMode::active
};

enum class FsError { ok, not_found, not_directory, is_directory, exists, denied, escape, not_empty, no_space, io };

struct FsResult {
    FsError error = FsError::ok;
    FileInfo info;                  // stat, open_read (size), open_write with unique (name)
    std::vector<FileInfo> entries;  // list
    bool single_file = false;       // list: `path` was a file, entries holds it alone
    std::int64_t now = 0;           // list: the clock, for LIST's date column
};

enum class TransferResult {
    ok,             // every byte moved (and, for an upload, fsynced and renamed into place)
    no_connection,  // 425: the data connection never came (or came from a foreign address)
    aborted,        // 426: it broke or went idle mid-way
    local_error,    // 451: a read, write or commit failed here
    no_space,       // 452
};

struct Step {
    std::vector<Reply> replies;
    Action action;
};

class ControlSession {
public:
    ControlSession(const Policy& policy, Endpoints endpoints);

    Reply greeting() const { return {220, policy_.greeting}; }
    Step on_line(std::string_view line);                        // one command, CRLF stripped
    Step on_line_too_long();                                    // 500
    Step on_timeout();                                          // 421 and close
    Step on_login(bool ok, bool writable);                      // 230 or 530
    Step on_tls_started();                                      // RFC 4217 §4: a fresh login follows
    Step on_passive_opened(std::optional<std::uint16_t> port);  // 227/229, or 425
    Step on_fs(const FsResult& result);                         // the outcome of a file-system action
    Step on_transfer_done(TransferResult result);               // 226, 425, 426, 451, 452

    bool logged_in() const { return phase_ == Phase::logged_in; }
    bool writable() const { return writable_; }
    bool tls() const { return tls_; }
    const std::string& cwd() const { return cwd_; }
    const std::string& user() const { return user_; }

private:
    enum class Phase { need_user, need_password, logged_in };
    // What the pending file-system action was for, to word its reply.
    enum class Pending {
        none,
        cwd,
        size,
        mdtm,
        rnfr,
        mlst,
        stat,
        list,
        nlst,
        mlsd,
        retr,
        stor,
        stou,
        dele,
        rmd,
        mkd,
        rnto
    };
    using Handler = Step (ControlSession::*)(std::string_view arg);
    struct Command {
        std::string_view verb;
        Handler handler;
        bool before_login;  // allowed before USER/PASS succeed
    };
    static const std::vector<Command>& commands();

    // Login and security (control_session.cpp)
    Step user(std::string_view arg);
    Step pass(std::string_view arg);
    Step auth(std::string_view arg);
    Step pbsz(std::string_view arg);
    Step prot(std::string_view arg);
    Step quit(std::string_view arg);
    Step noop(std::string_view arg);
    Step syst(std::string_view arg);
    Step feat(std::string_view arg);
    Step opts(std::string_view arg);
    Step help(std::string_view arg);
    Step type(std::string_view arg);
    Step mode(std::string_view arg);
    Step stru(std::string_view arg);
    Step rest(std::string_view arg);
    Step allo(std::string_view arg);
    Step acct(std::string_view arg);
    Step abor(std::string_view arg);
    Step not_implemented(std::string_view arg);
    Step port(std::string_view arg);
    Step eprt(std::string_view arg);
    Step pasv(std::string_view arg);
    Step epsv(std::string_view arg);
    Step status(std::string_view arg);
    // Files and directories (control_files.cpp)
    Step pwd(std::string_view arg);
    Step cwd(std::string_view arg);
    Step cdup(std::string_view arg);
    Step list(std::string_view arg);
    Step nlst(std::string_view arg);
    Step mlsd(std::string_view arg);
    Step mlst(std::string_view arg);
    Step size(std::string_view arg);
    Step mdtm(std::string_view arg);
    Step retr(std::string_view arg);
    Step stor(std::string_view arg);
    Step stou(std::string_view arg);
    Step appe(std::string_view arg);
    Step dele(std::string_view arg);
    Step mkd(std::string_view arg);
    Step rmd(std::string_view arg);
    Step rnfr(std::string_view arg);
    Step rnto(std::string_view arg);

    Step fs_action(Pending pending, Op op, const std::string& virtual_path);
    Step listing(Pending pending, std::string_view arg);
    Step store(Pending pending, std::string_view arg, bool append);
    Step fs_failed(FsError error);
    Step transfer_step(Reply reply, Direction direction, std::string body = {});
    std::optional<Reply> data_precondition() const;  // 425 when no PORT/PASV came first
    std::optional<std::string> resolve(std::string_view arg) const;

    const Policy& policy_;
    Endpoints endpoints_;
    Phase phase_ = Phase::need_user;
    std::string user_;
    bool anonymous_ = false;
    bool writable_ = false;
    unsigned login_failures_ = 0;
    std::string cwd_ = "/";
    bool ascii_ = false;
    std::uint64_t rest_ = 0;
    bool tls_ = false;
    bool pbsz_ = false;
    bool protect_ = false;
    bool epsv_all_ = false;
    DataMode data_mode_ = DataMode::none;
    HostPortAddress active_;
    bool pending_epsv_ = false;
    Pending pending_ = Pending::none;
    std::string pending_path_;  // virtual path of the pending action
    std::string rename_from_;   // after RNFR's 350; only RNTO may follow
    bool rename_ready_ = false;
};

// The verb of a command line, upper-cased ("RETR"), and its argument.
std::pair<std::string, std::string_view> split_command(std::string_view line);

}  // namespace layer7::ftp
